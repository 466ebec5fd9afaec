package dev.herald.protocol;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What produced a message; clients render each kind differently. */
public enum Kind {
    DIRECT, ROOM, BROADCAST, SCHEDULED, DESK;

    /** Lower-cased once: it is written into every message frame. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wire() {
        return wire;
    }
}
