package dev.herald.desk;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a conversation's history, numbered from 1 in the conversation: a message ({@code text} from
 * {@code from}), or an event the visitor and agents see ({@code event}: {@code queued}, {@code joined}, {@code left},
 * {@code closed}, with the {@code agent} it concerns).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Entry(long seq, Instant at, String from, String text, String event, String agent) {

    public static final String QUEUED = "queued", JOINED = "joined", LEFT = "left", CLOSED = "closed";

    public static Entry message(String from, String text, Instant at) {
        return new Entry(0, at, from, text, null, null);
    }

    public static Entry event(String event, String agent, Instant at) {
        return new Entry(0, at, null, null, event, agent);
    }

    public Entry numbered(long n) {
        return new Entry(n, at, from, text, event, agent);
    }
}
