package dev.herald.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.herald.auth.SecurityConfig;
import dev.herald.auth.Tokens;
import dev.herald.delivery.MessageRules;

/**
 * DEV ONLY ({@code herald.auth.dev-tokens}): hands the page a token for any user name, with the publisher role,
 * so that authentication can be switched on in dev mode. In production a back end mints tokens itself.
 */
@Path("/api/dev/token")
@Produces(MediaType.APPLICATION_JSON)
public class DevTokenResource {

    public record DevToken(String user, String token, long expiresInSeconds) {
    }

    private final Tokens tokens;
    private final SecurityConfig.Auth config;
    private final MessageRules rules;

    DevTokenResource(Tokens tokens, SecurityConfig security, MessageRules rules) {
        this.tokens = tokens;
        this.config = security.auth();
        this.rules = rules;
    }

    @GET
    public DevToken token(@QueryParam("user") String user) {
        if (!config.devTokens() || !tokens.enabled()) {
            throw ApiProblem.notFound("dev tokens are off (herald.auth.dev-tokens=false, or authentication is off)");
        }
        rules.user("user", user);
        return new DevToken(user, tokens.issue(user, true, config.devTokenLifetime()),
                config.devTokenLifetime().toSeconds());
    }
}
