package dev.herald.tasks;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link TaskRelayTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class TaskRelayIT extends TaskRelayTest {
}
