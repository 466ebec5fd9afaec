package dev.herald.ops;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link OperationsTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class OperationsIT extends OperationsTest {
}
