package dev.herald.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;

import dev.herald.delivery.MessageRules;
import dev.herald.tasks.DemoRollingUpdate;
import dev.herald.tasks.TaskRelay;
import dev.herald.tasks.TaskView;

/**
 * The task progress relay: a back-end job creates a task, then posts events as it works; the owner's browsers
 * receive each one live and can read the whole state back at any time.
 */
@Path("/api")
@Blocking // the task store may be Redis, whose calls wait for their answer
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TasksResource {

    public record TaskRequest(String owner, String title, Integer total) {
    }

    public record TaskEventRequest(Integer progress, String line, String status) {
    }

    public record DemoRequest(String owner, Integer hosts) {
    }

    private final TaskRelay relay;
    private final DemoRollingUpdate demo;
    private final ApiCaller caller;
    private final Paging paging;
    private final MessageRules rules;

    TasksResource(TaskRelay relay, DemoRollingUpdate demo, ApiCaller caller, Paging paging, MessageRules rules) {
        this.relay = relay;
        this.demo = demo;
        this.caller = caller;
        this.paging = paging;
        this.rules = rules;
    }

    /** Answered once the task is safe (with a data directory: on disk). */
    @POST
    @Path("tasks")
    public CompletionStage<Response> create(TaskRequest request) {
        if (request == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        return relay.create(request.owner(), request.title(), request.total()).thenApply(TasksResource::created);
    }

    /** Answered once the event is safe (with a data directory: on disk). */
    @POST
    @Path("tasks/{id}/events")
    public CompletionStage<Response> report(@PathParam("id") String id, TaskEventRequest event) {
        if (event == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        return relay.report(id, event.progress(), event.line(), event.status()).thenApply(TasksResource::created);
    }

    private static Response created(TaskView task) {
        return Response.status(201).entity(task).build();
    }

    /** A task: its owner's, or any for a publisher. */
    @GET
    @Path("tasks/{id}")
    public TaskView get(@PathParam("id") String id) {
        TaskView task = relay.get(id);
        if (!caller.actsFor(task.owner())) {
            throw new ApiProblem(403, "Forbidden", "task " + id + " belongs to another user", null);
        }
        return task;
    }

    /** One page of an owner's tasks, newest first: a user may list their own, a publisher anyone's. */
    @GET
    @Path("tasks")
    public RestResponse<List<TaskView>> owned(@QueryParam("owner") String owner, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @Context UriInfo uri) {
        if (owner == null || owner.isBlank()) {
            throw ApiProblem.badRequest("owner", "'owner' is required: GET /api/tasks?owner=alice");
        }
        caller.requireActsFor(rules.user("owner", owner), "owner");
        int size = paging.limit(limit);
        return Paging.page(relay.ownedBy(owner, cursor == null ? null : after(cursor), size + 1), size,
                t -> Paging.cursor(t.createdAt().toString(), t.id()), uri);
    }

    private static TaskRelay.Position after(String cursor) {
        List<String> parts = Paging.parts(cursor, 2);
        try {
            return new TaskRelay.Position(Instant.parse(parts.get(0)), parts.get(1));
        } catch (DateTimeParseException e) {
            throw Paging.badCursor();
        }
    }

    /**
     * DEMO: starts a simulated rolling update that reports through the relay. A user may start it only for
     * themselves (a publisher for anyone), a few times a minute.
     */
    @POST
    @Path("demo/rolling-update")
    public CompletionStage<Response> startDemo(DemoRequest request) {
        if (request == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        String owner = rules.user("owner", request.owner());
        caller.requireActsFor(owner, "owner");
        int hosts = request.hosts() == null ? 5 : request.hosts();
        if (hosts < 1 || hosts > 50) {
            throw ApiProblem.badRequest("hosts", "'hosts' must be between 1 and 50");
        }
        return demo.start(caller.quotaKey(owner), owner, hosts).thenApply(TasksResource::created);
    }
}
