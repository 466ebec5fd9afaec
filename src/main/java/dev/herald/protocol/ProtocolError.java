package dev.herald.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A client frame the server refuses; answered with one {@code error} frame, the connection stays open. */
public class ProtocolError extends RuntimeException {

    private final String code;
    private final transient JsonNode ref;

    public ProtocolError(String code, String message, JsonNode ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public String code() {
        return code;
    }

    public JsonNode ref() {
        return ref;
    }
}
