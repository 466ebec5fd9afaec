package dev.herald.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The browser page (META-INF/resources) is served by the packaged application, native executable included. */
@QuarkusIntegrationTest
class StaticPageIT {

    @Test
    void indexPageIsServedAtRoot() {
        given().get("/")
                .then().statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString("<title>Herald</title>"));
    }

    @Test
    void scriptIsServed() {
        given().get("/app.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("from './herald.js'"));
        for (String panel : new String[] { "/ui.js", "/chat.js", "/schedule.js", "/tasks.js", "/ticker.js" }) {
            given().get(panel).then().statusCode(200).contentType(containsString("javascript"));
        }
    }

    @Test
    void browserClientModuleIsServedAsJavaScript() {
        given().get("/herald.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("export function connect("));
    }

    @Test
    void stylesheetIsServed() {
        given().get("/app.css")
                .then().statusCode(200)
                .contentType(startsWith("text/css"));
    }
}
