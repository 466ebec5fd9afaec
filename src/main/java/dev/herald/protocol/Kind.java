package dev.herald.protocol;

import com.fasterxml.jackson.annotation.JsonValue;

/** What produced a message; clients render each kind differently. */
public enum Kind {
    DIRECT, ROOM, BROADCAST, SCHEDULED, DESK;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }
}
