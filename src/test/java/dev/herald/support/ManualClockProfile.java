package dev.herald.support;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Runs Herald on {@link ManualClock}, so scheduling tests decide what time it is. */
public class ManualClockProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(ManualClock.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("herald.schedule.max-sleep", "20ms");
    }
}
