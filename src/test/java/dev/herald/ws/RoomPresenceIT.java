package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link RoomPresenceTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class RoomPresenceIT extends RoomPresenceTest {
}
