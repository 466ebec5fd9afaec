package dev.herald.desk;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.herald.api.ApiProblem;
import dev.herald.api.Paging;
import dev.herald.api.Problem;
import dev.herald.auth.SecurityConfig;
import dev.herald.delivery.Durability;
import io.vertx.core.http.HttpServerRequest;

/**
 * The support desk's HTTP API: visitors sign up and talk, agents take, transfer and close, the back office reads.
 * Every call names its caller by token (see {@link DeskIdentity}); the rules live in {@link DeskService}.
 */
@Path("/api/desk")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class DeskResource {

    public record LineRequest(String text) {
    }

    public record TransferRequest(String agent) {
    }

    public record AgentToken(String agent, String token, long expiresInSeconds) {
    }

    private final DeskService desk;
    private final DeskIdentity identity;
    private final VisitorLimit limit;
    private final Paging paging;
    private final SecurityConfig security;
    private final DeskConfig config;
    private final ObjectMapper mapper;
    private final Durability durability;

    DeskResource(DeskService desk, DeskIdentity identity, VisitorLimit limit, Paging paging, SecurityConfig security,
            DeskConfig config, ObjectMapper mapper, Durability durability) {
        this.mapper = mapper;
        this.durability = durability;
        this.desk = desk;
        this.identity = identity;
        this.limit = limit;
        this.paging = paging;
        this.security = security;
        this.config = config;
    }

    /** A new visitor and their token: no account needed, a few per client address per minute. */
    @POST
    @Path("visitors")
    public Response visitor(@Context HttpServerRequest request) {
        String address = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
        long wait = limit.tryCreate(address);
        if (wait > 0) {
            return Response.status(429).type(Problem.MEDIA_TYPE).header("Retry-After", wait)
                    .entity(Problem.of(429, "Too many requests", "at most " + config.visitorsPerMinute()
                            + " new visitors per minute from one address; retry in " + wait + " s", null))
                    .build();
        }
        return Response.status(201).entity(identity.newVisitor()).build();
    }

    @POST
    @Path("conversations")
    public Response open(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, String body)
            throws JsonProcessingException {
        // The first line is optional, and so is the body (a bare POST opens the conversation).
        LineRequest line = body == null || body.isBlank() ? null : mapper.readValue(body, LineRequest.class);
        return Response.status(201).entity(committed(desk.open(identity.caller(auth), line == null ? null : line.text())))
                .build();
    }

    @GET
    @Path("conversations")
    public List<Conversation> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @QueryParam("state") String state, @QueryParam("limit") String max) {
        Conversation.State wanted = state == null || state.isBlank() ? null : Conversation.State.of(state);
        if (state != null && !state.isBlank() && wanted == null) {
            throw ApiProblem.badRequest("state", "'state' must be queued, assigned or closed");
        }
        return desk.list(identity.caller(auth), wanted, paging.limit(max));
    }

    @GET
    @Path("conversations/{id}")
    public DeskService.ConversationView get(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id) {
        return desk.view(identity.caller(auth), id);
    }

    @POST
    @Path("conversations/{id}/messages")
    public Response say(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @PathParam("id") String id,
            LineRequest line) {
        if (line == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required: {\"text\":\"...\"}");
        }
        return Response.status(201).entity(committed(desk.say(identity.caller(auth), id, line.text()))).build();
    }

    @POST
    @Path("conversations/{id}/typing")
    public Response typing(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth, @PathParam("id") String id) {
        desk.typing(identity.caller(auth), id);
        return Response.noContent().build();
    }

    @POST
    @Path("conversations/{id}/take")
    public DeskService.ConversationView take(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id) {
        return committed(desk.take(identity.caller(auth), id));
    }

    @POST
    @Path("conversations/{id}/transfer")
    public DeskService.ConversationView transfer(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id, TransferRequest request) {
        if (request == null || request.agent() == null) {
            throw ApiProblem.badRequest("agent", "'agent' is required: {\"agent\":\"bob\"}");
        }
        return committed(desk.transfer(identity.caller(auth), id, request.agent()));
    }

    @POST
    @Path("conversations/{id}/close")
    public DeskService.ConversationView close(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("id") String id) {
        return committed(desk.close(identity.caller(auth), id));
    }

    /** An agent's console opened: the agent registers and gets the queue, their conversations and who is here. */
    @POST
    @Path("agents")
    public DeskService.Console console(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
        return committed(desk.console(identity.caller(auth)));
    }

    @GET
    @Path("agents")
    public List<AgentLoad> agents(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
        return desk.agents(identity.caller(auth));
    }

    /** DEV ONLY ({@code herald.auth.dev-tokens}): an agent token for a user listed in {@code herald.desk.agents}. */
    @GET
    @Path("dev/agent-token")
    public AgentToken devAgentToken(@QueryParam("agent") String agent) {
        if (!security.auth().devTokens() || agent == null || !config.agents().orElse(List.of()).contains(agent)) {
            throw ApiProblem.notFound("dev agent tokens are off, or '" + agent + "' is not in herald.desk.agents");
        }
        return new AgentToken(agent, identity.devAgentToken(agent, security.auth().devTokenLifetime()),
                security.auth().devTokenLifetime().toSeconds());
    }

    /** With a data directory: answers once what the call changed is on disk (the commit policy of every 201). */
    private <T> T committed(T answer) {
        if (!durability.atOnce()) {
            durability.committed().toCompletableFuture().join();
        }
        return answer;
    }
}
