package dev.herald.desk;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A visitor's conversation with the support desk: waiting in the queue, assigned to one agent, or closed. Replaced
 * on every change, never changed in place.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Conversation(String id, String visitor, String agent, State state, Instant openedAt, Instant closedAt) {

    public enum State {
        QUEUED, ASSIGNED, CLOSED;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        /** The state named by {@code wire}, or null. */
        public static State of(String wire) {
            for (State s : values()) {
                if (s.wire().equals(wire)) {
                    return s;
                }
            }
            return null;
        }
    }

    @JsonIgnore
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    public Conversation assignedTo(String to) {
        return new Conversation(id, visitor, to, State.ASSIGNED, openedAt, null);
    }

    public Conversation queued() {
        return new Conversation(id, visitor, null, State.QUEUED, openedAt, null);
    }

    public Conversation closed(Instant at) {
        return new Conversation(id, visitor, agent, State.CLOSED, openedAt, at);
    }
}
