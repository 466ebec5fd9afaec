package dev.herald.ws;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link MessagingTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class MessagingIT extends MessagingTest {
}
