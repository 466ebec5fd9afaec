package dev.herald.schedule;

import com.fasterxml.jackson.annotation.JsonValue;

/** Life of a stored message. FIRING is the short moment of delivery, which a cancel cannot interrupt. */
public enum Status {
    PENDING, FIRING, DELIVERED, CANCELLED, FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }

    /** Parses a {@code ?status=} value; null for an unknown one. */
    public static Status parse(String value) {
        for (Status s : values()) {
            if (s.wire().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return null;
    }
}
