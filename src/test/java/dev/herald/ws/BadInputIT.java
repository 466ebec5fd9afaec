package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link BadInputTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class BadInputIT extends BadInputTest {
}
