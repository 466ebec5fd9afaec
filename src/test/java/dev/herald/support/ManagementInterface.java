package dev.herald.support;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The packaged build serves /q/health, /q/metrics and /q/openapi on Quarkus' management interface, which the test
 * profile leaves closed (it is on in %prod); an integration test that reads them opens it on a free port with
 * {@code @WithTestResource(ManagementInterface.class)} and gets its address in a {@link Base} field. The JVM tests
 * find them on the main port.
 */
public final class ManagementInterface implements QuarkusTestResourceLifecycleManager {

    /** Marks the {@link URI} field that receives the management interface's base address. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Base {
    }

    private int port;

    @Override
    public Map<String, String> start() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        // Under the test profile the packaged build leaves the interface off (it is on in %prod only).
        return Map.of("quarkus.management.enabled", "true", "quarkus.management.port", String.valueOf(port));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(URI.create("http://localhost:" + port + "/"),
                new TestInjector.AnnotatedAndMatchesType(Base.class, URI.class));
    }

    @Override
    public void stop() {
    }
}
