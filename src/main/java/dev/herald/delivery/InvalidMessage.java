package dev.herald.delivery;

/** A message that breaks a rule; {@code code} is stable for clients, {@code field} names the culprit. */
public class InvalidMessage extends RuntimeException {

    private final String code;
    private final String field;

    public InvalidMessage(String code, String field, String message) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
