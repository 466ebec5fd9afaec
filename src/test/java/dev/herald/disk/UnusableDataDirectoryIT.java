package dev.herald.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;

/**
 * A data directory Herald cannot use stops it at start, with a message naming the file and the cause — never a
 * silent empty start: a corrupt file, a directory another Herald holds, a path that cannot be a directory.
 */
class UnusableDataDirectoryIT {

    private static ServerProcess herald(String name, Path dir) {
        return new ServerProcess(name, List.of("-Dherald.auth.enabled=false", "-Dherald.data-dir=" + dir));
    }

    @Test
    void aCorruptFileStopsHeraldAtStartNamingTheFile() throws Exception {
        Path dir = Files.createTempDirectory("herald-corrupt");
        byte[] garbage = new byte[100_000];
        new Random(14).nextBytes(garbage);
        Path file = Files.write(dir.resolve("herald.mv.db"), garbage);
        try (ServerProcess server = herald("data-dir-corrupt", dir)) {
            assertThat(server.startExpectingExit()).isNotZero();
            assertThat(server.output()).contains("herald.data-dir: " + file.toAbsolutePath() + " is corrupt")
                    .doesNotContain("Listening on");
        }
        assertThat(Files.readAllBytes(file)).as("left as it was, for a backup or a look").isEqualTo(garbage);
    }

    @Test
    void aDirectoryAnotherHeraldHoldsStopsTheSecondOneAndTheFirstGoesOn() throws Exception {
        Path dir = Files.createTempDirectory("herald-held");
        try (ServerProcess first = herald("data-dir-holder", dir).start();
                ServerProcess second = herald("data-dir-second", dir)) {
            assertThat(second.startExpectingExit()).isNotZero();
            assertThat(second.output()).contains("herald.data-dir: " + dir.toAbsolutePath().resolve("herald.mv.db")
                    + " is in use by another process");
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest
                    .newBuilder(first.base().resolve("/api/messages")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"ann\",\"text\":\"still here\",\"delaySeconds\":60}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(201);
        }
    }

    @Test
    void aPathThatCannotBeADirectoryStopsHeraldAtStart() throws Exception {
        Path notADirectory = Files.createTempFile("herald-file", ".txt");
        try (ServerProcess server = herald("data-dir-not-a-dir", notADirectory)) {
            assertThat(server.startExpectingExit()).isNotZero();
            assertThat(server.output()).contains("herald.data-dir: " + notADirectory.toAbsolutePath().resolve("herald.mv.db")
                    + " its directory cannot be created");
        }
    }
}
