package dev.herald.auth;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps tokens out of the log: whatever logs a request URI ({@code /ws/alice?token=...}, as Quarkus' error handler
 * does for a failed request) or a header gets the token replaced by {@code <redacted>}. Installed on the console
 * handler by {@code quarkus.log.console.filter}.
 */
@LoggingFilter(name = "herald-token-redaction")
public final class TokenRedaction implements Filter {

    /** A compact JWS/JWE (base64url of a JSON header, so it starts "eyJ"), or a token= query value. */
    private static final Pattern TOKEN = Pattern.compile(
            "eyJ[A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]*){2,4}|(?<=[?&]token=)[^&\\s\"']+|(?<=[?&]access_token=)[^&\\s\"']+");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (message != null && (message.contains("eyJ") || message.contains("token="))) {
            String redacted = TOKEN.matcher(message).replaceAll("<redacted>");
            if (!redacted.equals(message)) {
                if (record instanceof ExtLogRecord ext) {
                    ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
                } else {
                    record.setMessage(redacted);
                }
                record.setParameters(null);
            }
        }
        return true;
    }
}
