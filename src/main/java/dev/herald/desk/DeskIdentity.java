package dev.herald.desk;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.security.SecureRandom;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.herald.api.ApiProblem;
import dev.herald.auth.Tokens;

/**
 * Tells visitors, agents and the back office apart by their token, whether or not authentication is on: a visitor
 * must only ever reach their own conversation, so the desk always needs to know who calls. Visitors get tokens from
 * Herald itself (the group {@code visitor}); agents carry the agent role (or, in dev, are listed in
 * {@code herald.desk.agents}).
 */
@Singleton
public class DeskIdentity {

    static final String VISITOR_ROLE = "visitor";

    private final Tokens tokens;
    private final DeskConfig config;
    private final SecureRandom random = new SecureRandom();

    DeskIdentity(Tokens tokens, DeskConfig config) {
        this.tokens = tokens;
        this.config = config;
    }

    DeskCaller caller(String authorization) {
        String token = Tokens.fromBearerHeader(authorization);
        if (token == null) {
            if (tokens.enabled()) {
                throw new ApiProblem(401, "Unauthorized", "a valid bearer token is required", null);
            }
            return new DeskCaller(null, false, false, true);
        }
        JsonWebToken jwt = tokens.verify(token)
                .orElseThrow(() -> new ApiProblem(401, "Unauthorized", "the bearer token is not valid", null));
        Set<String> groups = jwt.getGroups() == null ? Set.of() : jwt.getGroups();
        String user = jwt.getSubject();
        if (groups.contains(VISITOR_ROLE)) {
            return new DeskCaller(user, true, false, false);
        }
        boolean agent = groups.contains(config.agentRole()) || config.agents().orElse(List.of()).contains(user);
        return new DeskCaller(user, false, agent, tokens.isPublisher(jwt) || !tokens.enabled() && !agent);
    }

    /** A new visitor: a fresh name and a token that is only theirs. */
    Visitor newVisitor() {
        if (!tokens.canIssue()) {
            throw new ApiProblem(503, "Service unavailable",
                    "the support desk needs herald.auth.secret to sign visitors' tokens", null);
        }
        byte[] bytes = new byte[10];
        random.nextBytes(bytes);
        String id = "v-" + HexFormat.of().formatHex(bytes);
        Duration lifetime = config.visitorTokenLifetime();
        return new Visitor(id, tokens.issue(id, Set.of(VISITOR_ROLE), lifetime), lifetime.toSeconds());
    }

    /** A dev-mode agent token for a user listed in herald.desk.agents. */
    String devAgentToken(String agent, Duration lifetime) {
        return tokens.issue(agent, Set.of(config.agentRole()), lifetime);
    }

    /** What {@code POST /api/desk/visitors} answers. */
    public record Visitor(String visitor, String token, long expiresInSeconds) {
    }
}
