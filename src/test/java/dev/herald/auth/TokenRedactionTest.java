package dev.herald.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.build.Jwt;

/** What would log a request's URI or headers logs it without the caller's token. */
class TokenRedactionTest {

    private static final String JWT = Jwt.issuer("herald").subject("alice").expiresIn(60)
            .signWithSecret("test-only-secret-0123456789abcdef-0123456789");

    private static String logged(String format, Object... params) {
        ExtLogRecord record = new ExtLogRecord(Level.SEVERE, format, ExtLogRecord.FormatStyle.PRINTF,
                TokenRedactionTest.class.getName());
        record.setParameters(params);
        assertThat(new TokenRedaction().isLoggable(record)).isTrue();
        return record.getFormattedMessage();
    }

    @Test
    void theErrorHandlersLineLosesTheTokenButKeepsTheRest() {
        // What Quarkus' error handler writes for a failed request (the ERROR line).
        String line = logged("HTTP Request to %s failed, error id: %s", "/ws/alice?token=" + JWT + "&since=3", "e-1");
        assertThat(line).doesNotContain(JWT).doesNotContain(JWT.substring(0, 30))
                .isEqualTo("HTTP Request to /ws/alice?token=<redacted>&since=3 failed, error id: e-1");
    }

    @Test
    void aBearerHeaderOrANonJwtTokenParameterIsRedactedToo() {
        assertThat(logged("header Authorization: Bearer %s", JWT)).isEqualTo("header Authorization: Bearer <redacted>");
        assertThat(logged("GET /ws/bob?since=1&token=opaque-value-42 refused")).isEqualTo(
                "GET /ws/bob?since=1&token=<redacted> refused");
        assertThat(logged("connect alice (c-1) from 127.0.0.1:5555")).isEqualTo("connect alice (c-1) from 127.0.0.1:5555");
    }
}
