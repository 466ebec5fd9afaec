package dev.herald.api;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.herald.tasks.DemoRollingUpdate;
import dev.herald.tasks.TaskRelay;
import dev.herald.tasks.TaskView;

/**
 * The task progress relay: a back-end job creates a task, then posts events as it works; the owner's browsers
 * receive each one live and can read the whole state back at any time.
 */
@Path("/api")
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

    TasksResource(TaskRelay relay, DemoRollingUpdate demo) {
        this.relay = relay;
        this.demo = demo;
    }

    @POST
    @Path("tasks")
    public Response create(TaskRequest request) {
        if (request == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        return Response.status(201).entity(relay.create(request.owner(), request.title(), request.total())).build();
    }

    @POST
    @Path("tasks/{id}/events")
    public Response report(@PathParam("id") String id, TaskEventRequest event) {
        if (event == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        return Response.status(201).entity(relay.report(id, event.progress(), event.line(), event.status())).build();
    }

    @GET
    @Path("tasks/{id}")
    public TaskView get(@PathParam("id") String id) {
        return relay.get(id);
    }

    @GET
    @Path("tasks")
    public List<TaskView> owned(@QueryParam("owner") String owner) {
        if (owner == null || owner.isBlank()) {
            throw ApiProblem.badRequest("owner", "'owner' is required: GET /api/tasks?owner=alice");
        }
        return relay.ownedBy(owner);
    }

    /** DEMO: starts a simulated rolling update that reports through the relay. */
    @POST
    @Path("demo/rolling-update")
    public Response startDemo(DemoRequest request) {
        if (request == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        int hosts = request.hosts() == null ? 5 : request.hosts();
        if (hosts < 1 || hosts > 50) {
            throw ApiProblem.badRequest("hosts", "'hosts' must be between 1 and 50");
        }
        return Response.status(201).entity(demo.start(request.owner(), hosts)).build();
    }
}
