package dev.herald.api;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** Runs {@link PushApiTest} against the packaged application: the native executable when built with -Dnative. */
@QuarkusIntegrationTest
class PushApiIT extends PushApiTest {
}
