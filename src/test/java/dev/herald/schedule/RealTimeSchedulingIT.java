package dev.herald.schedule;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link RealTimeSchedulingTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class RealTimeSchedulingIT extends RealTimeSchedulingTest {
}
