package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link LimitsTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class LimitsIT extends LimitsTest {
}
