package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link PresenceTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class PresenceIT extends PresenceTest {
}
