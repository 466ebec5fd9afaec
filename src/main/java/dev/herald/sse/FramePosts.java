package dev.herald.sse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import dev.herald.auth.AllowedOrigins;
import dev.herald.auth.Tokens;
import dev.herald.connection.Connection;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import dev.herald.session.ProtocolHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/frames}: one client frame of an event stream's connection (named by the {@code Herald-Connection}
 * header), carried out by {@link ProtocolHandler} exactly as if it had come over a socket — the same parser, rules
 * and rate limit (the connection's own) — and answered in the response: the {@code ack} (200) or the {@code error}
 * frame, with an HTTP status that says the same (400 a bad frame, 401 a bad token, 404 an unknown or closed
 * connection, 413 a frame over the message size, 429 rate limited, 503 shutting down).
 */
@ApplicationScoped
public class FramePosts {

    static final String CONNECTION_HEADER = "Herald-Connection";
    private static final Logger LOG = Logger.getLogger(FramePosts.class);

    private final EventStreams streams;
    private final ProtocolHandler protocol;
    private final AllowedOrigins origins;
    private final Tokens tokens;
    private final FrameEncoder encoder;
    private final HeraldMetrics metrics;

    FramePosts(EventStreams streams, ProtocolHandler protocol, AllowedOrigins origins, Tokens tokens,
            FrameEncoder encoder, HeraldMetrics metrics) {
        this.streams = streams;
        this.protocol = protocol;
        this.origins = origins;
        this.tokens = tokens;
        this.encoder = encoder;
        this.metrics = metrics;
    }

    void post(RoutingContext rc) {
        if (!origins.allows(rc.request())) {
            LOG.infof("refused a frame from origin %s", rc.request().getHeader("Origin"));
            refuse(rc, 403, "origin_not_allowed", "pages from this origin may not send frames");
            return;
        }
        JsonWebToken jwt = null;
        if (tokens.enabled()) {
            jwt = tokens.verify(Tokens.fromBearerHeader(rc.request().getHeader("Authorization"))).orElse(null);
            if (jwt == null) {
                refuse(rc, 401, "invalid_token", "a valid token is required (Authorization: Bearer <jwt>)");
                return;
            }
        }
        String id = rc.request().getHeader(CONNECTION_HEADER);
        Connection c = streams.find(id);
        if (c == null) {
            refuse(rc, 404, "unknown_connection", id == null ? "no " + CONNECTION_HEADER + " header"
                    : "no open event stream has the connection id " + quoted(id) + ": reconnect");
            return;
        }
        if (jwt != null && !c.user().equals(jwt.getSubject())) {
            refuse(rc, 401, "invalid_token", "the token is not for " + c.user() + ", whose connection this is");
            return;
        }
        String text = utf8(rc.body().buffer());
        if (text == null) {
            // Text is never altered: a body that is not UTF-8 is refused, and costs from the rate like any frame.
            ProtocolHandler.Answer refused = protocol.refuseAnswer(c, "malformed_json", "the body is not valid UTF-8");
            respond(rc, status(refused.errorCode()), refused.frame());
            return;
        }
        protocol.answer(c, text).whenComplete((answer, failure) -> {
            if (failure != null) {
                LOG.errorf(failure, "frame from %s failed", c);
                refuse(rc, 500, "internal_error", "the server could not carry out this frame");
            } else {
                respond(rc, status(answer.errorCode()), answer.frame());
            }
        });
    }

    /** What BodyHandler refused: a body over the message size. */
    void failed(RoutingContext rc) {
        if (rc.statusCode() == 413) {
            refuse(rc, 413, "message_too_big", "the frame is over the message size limit");
        } else {
            rc.next();
        }
    }

    /** The HTTP status that says what the error code says. */
    static int status(String code) {
        if (code == null) {
            return 200;
        }
        return switch (code) {
            case "rate_limited" -> 429;
            case "invalid_token" -> 401;
            case "unknown_connection" -> 404;
            case "unavailable" -> 503;
            case "internal_error" -> 500;
            default -> 400;
        };
    }

    private void refuse(RoutingContext rc, int status, String code, String message) {
        metrics.error(code);
        respond(rc, status, encoder.json(new ServerFrame.Error(code, message, null)));
    }

    private static void respond(RoutingContext rc, int status, String frame) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(frame);
    }

    /** The body as text, or null when it is not valid UTF-8. */
    private static String utf8(Buffer body) {
        if (body == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String quoted(String id) {
        return "'" + (id.length() > 64 ? id.substring(0, 64) + "…" : id) + "'";
    }
}
