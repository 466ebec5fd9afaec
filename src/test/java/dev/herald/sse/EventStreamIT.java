package dev.herald.sse;

import static io.restassured.RestAssured.given;

import java.net.URI;

import dev.herald.support.ManagementInterface;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;

/**
 * Runs {@link EventStreamTest} against the packaged application (the native executable when built with -Dnative),
 * whose /q/metrics answers on the management interface.
 */
@QuarkusIntegrationTest
@WithTestResource(ManagementInterface.class)
class EventStreamIT extends EventStreamTest {

    @ManagementInterface.Base
    URI managementBase;

    @Override
    protected RequestSpecification management() {
        return given().baseUri("http://" + managementBase.getHost()).port(managementBase.getPort());
    }
}
