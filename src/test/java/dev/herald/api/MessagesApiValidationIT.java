package dev.herald.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link MessagesApiValidationTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class MessagesApiValidationIT extends MessagesApiValidationTest {
}
