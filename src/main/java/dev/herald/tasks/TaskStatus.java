package dev.herald.tasks;

import com.fasterxml.jackson.annotation.JsonValue;

public enum TaskStatus {
    RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    public boolean finished() {
        return this != RUNNING;
    }

    /** Null for an unknown value. */
    public static TaskStatus parse(String value) {
        for (TaskStatus s : values()) {
            if (s.wire().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return null;
    }
}
