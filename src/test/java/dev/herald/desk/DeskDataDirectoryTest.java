package dev.herald.desk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.disk.DataDirectory;
import dev.herald.support.OpenDataDirectories;
import dev.herald.disk.DiskDesk;

/**
 * The memory desk written through to a data directory (SPEC "Support desk": survives restart with a data directory):
 * what was committed before a crash — the queue, assignments, histories, closed conversations, known agents — comes
 * back as it was; who is at the desk does not (it follows presence).
 */
class DeskDataDirectoryTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenDataDirectories opened = new OpenDataDirectories();

    private record Started(DataDirectory dir, MemoryDeskStore store) {
    }

    private Started start() {
        DataDirectory d = opened.open(dir);
        return new Started(d, new MemoryDeskStore(3, 1, new DiskDesk(d)));
    }

    /** What a kill -9 leaves: only what was committed. */
    private void kill(Started s) {
        opened.abandon(s.dir());
    }

    private static Conversation queued(String id, String visitor, int minute) {
        return new Conversation(id, visitor, null, Conversation.State.QUEUED, T0.plusSeconds(60L * minute), null);
    }

    @Test
    void whatWasCommittedBeforeACrashComesBackAndWhoIsAtTheDeskDoesNot() {
        Started first = start();
        MemoryDeskStore before = first.store();
        before.registerAgent("ann");
        before.agentOnline("ann", T0);
        before.open(queued("c1", "v1", 0));
        before.open(queued("c2", "v2", 1));
        before.open(queued("c3", "v3", 2));
        before.open(queued("c4", "v4", 3));
        before.assign("c1", null, "ann", T0);
        for (int i = 1; i <= 4; i++) {
            before.append("c1", Entry.message("v1", "line " + i, T0));
        }
        before.append("c4", Entry.message("v4", "anyone there?", T0));
        before.close("c2", T0);
        before.close("c3", T0); // c2 is forgotten: one closed conversation is kept
        first.dir().committed().toCompletableFuture().join(); // what a 201 waits for
        kill(first);

        MemoryDeskStore after = start().store();
        assertThat(after.get("c1")).isEqualTo(before.get("c1"));
        assertThat(after.get("c1")).map(Conversation::agent).contains("ann");
        assertThat(after.get("c2")).isEmpty();
        assertThat(after.get("c3")).map(Conversation::state).contains(Conversation.State.CLOSED);
        assertThat(after.get("c4")).map(Conversation::state).contains(Conversation.State.QUEUED);
        assertThat(after.history("c1")).extracting(Entry::text).containsExactly("line 2", "line 3", "line 4");
        assertThat(after.history("c4")).extracting(Entry::text).containsExactly("anyone there?");
        assertThat(after.append("c1", Entry.message("v1", "line 5", T0)).seq()).isEqualTo(5); // numbering goes on
        assertThat(after.openFor("v1")).map(Conversation::id).contains("c1");
        assertThat(after.openFor("v3")).isEmpty();
        assertThat(after.isAgent("ann")).isTrue();
        assertThat(after.assignedTo("ann")).extracting(Conversation::id).containsExactly("c1");
        assertThat(after.agents()).isEmpty(); // at the desk again once ann's console reconnects
        assertThat(after.agentOnline("ann", T0)).isTrue();
        assertThat(after.agents()).containsExactly(new AgentLoad("ann", 1, T0));
    }
}
