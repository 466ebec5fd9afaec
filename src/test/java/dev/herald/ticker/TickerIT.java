package dev.herald.ticker;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link TickerTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class TickerIT extends TickerTest {
}
