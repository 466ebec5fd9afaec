package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link BadInputAtVolumeTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class BadInputAtVolumeIT extends BadInputAtVolumeTest {
}
