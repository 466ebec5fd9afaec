package dev.herald.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import dev.herald.delivery.MessageRules;
import dev.herald.schedule.CronSchedule;
import dev.herald.schedule.Recipient;
import dev.herald.schedule.ScheduleService;
import dev.herald.schedule.ScheduleStore;
import dev.herald.schedule.ScheduledMessage;
import dev.herald.schedule.Status;
import dev.herald.schedule.StoreFull;

/**
 * {@code /api/messages}: push a message now, schedule it for later or on a cron (publishers), list and read them
 * back (publishers: all; users: their own), cancel (publishers).
 */
@Path("/api/messages")
@Produces(MediaType.APPLICATION_JSON)
public class MessagesResource {

    static final String DEFAULT_SENDER = "herald";

    private final ScheduleService schedule;
    private final MessageRules rules;
    private final Clock clock;
    private final ApiCaller caller;
    private final Paging paging;

    MessagesResource(ScheduleService schedule, MessageRules rules, Clock clock, ApiCaller caller, Paging paging) {
        this.caller = caller;
        this.paging = paging;
        this.schedule = schedule;
        this.rules = rules;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> create(MessageRequest request) {
        if (request == null) {
            throw ApiProblem.badRequest(null, "a JSON body is required");
        }
        Recipient recipient = recipient(request);
        String text = rules.text("text", request.text());
        String from = request.from() == null ? DEFAULT_SENDER : rules.user("from", request.from());
        When when = when(request);
        try {
            var message = when == null ? schedule.pushNow(recipient, from, text)
                    : schedule.schedule(recipient, from, text, when.at(), when.cron());
            return message.thenApply(m -> Response.status(201).entity(MessageView.of(m)).build());
        } catch (StoreFull e) {
            throw new ApiProblem(503, "Store full", e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest("cron", e.getMessage());
        }
    }

    private Recipient recipient(MessageRequest r) {
        boolean broadcast = Boolean.TRUE.equals(r.broadcast());
        int targets = (r.to() != null ? 1 : 0) + (r.room() != null ? 1 : 0) + (broadcast ? 1 : 0);
        if (targets == 0) {
            throw ApiProblem.badRequest("to", "a target is required: 'to' (a user), 'room', or 'broadcast': true");
        }
        if (targets > 1) {
            throw ApiProblem.badRequest(broadcast ? "broadcast" : "room",
                    "give exactly one target: 'to', 'room' or 'broadcast'");
        }
        return new Recipient(r.to() == null ? null : rules.user("to", r.to()),
                r.room() == null ? null : rules.room("room", r.room()), broadcast);
    }

    private record When(Instant at, CronSchedule cron) {
    }

    private When when(MessageRequest r) {
        int times = (r.deliverAt() != null ? 1 : 0) + (r.delaySeconds() != null ? 1 : 0) + (r.cron() != null ? 1 : 0);
        if (times > 1) {
            throw ApiProblem.badRequest(r.cron() != null ? "cron" : "delaySeconds",
                    "give at most one of 'deliverAt', 'delaySeconds' and 'cron'");
        }
        if (r.deliverAt() != null) {
            Instant at;
            try {
                at = OffsetDateTime.parse(r.deliverAt()).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiProblem.badRequest("deliverAt",
                        "'deliverAt' must be an ISO-8601 date-time with offset, e.g. 2026-11-22T09:30:00+01:00");
            }
            return new When(notTooFarAhead("deliverAt", at), null);
        }
        if (r.delaySeconds() != null) {
            double s = r.delaySeconds();
            if (!Double.isFinite(s) || s < 0 || s > 366 * 86400) {
                throw ApiProblem.badRequest("delaySeconds", "'delaySeconds' must be between 0 and 31622400");
            }
            return new When(notTooFarAhead("delaySeconds", clock.instant().plusMillis(Math.round(s * 1000))), null);
        }
        if (r.cron() != null) {
            try {
                return new When(null, CronSchedule.parse(r.cron()));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("cron", "'cron' is not a valid cron expression: " + e.getMessage());
            }
        }
        return null;
    }

    /** A time in the past is fine (delivered at once); one beyond herald.schedule.max-ahead is refused. */
    private Instant notTooFarAhead(String field, Instant at) {
        Duration maxAhead = schedule.maxAhead();
        if (at.isAfter(clock.instant().plus(maxAhead))) {
            throw ApiProblem.badRequest(field, "'" + field + "' may be at most " + maxAhead.toDays()
                    + " days ahead (herald.schedule.max-ahead)");
        }
        return at;
    }

    /**
     * One page of the stored messages the caller may see (a publisher: all; a user: those to or from them), in
     * order of creation, optionally only those with a {@code status}, to a user {@code to} or to a {@code room}.
     */
    @GET
    public RestResponse<List<MessageView>> list(@QueryParam("status") String status, @QueryParam("to") String to,
            @QueryParam("room") String room, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        Predicate<ScheduledMessage> wanted = this::visible;
        if (status != null && !status.isBlank()) {
            Status s = Status.parse(status);
            if (s == null) {
                throw ApiProblem.badRequest("status",
                        "'status' must be one of pending, delivered, cancelled, failed");
            }
            wanted = wanted.and(m -> m.status() == s);
        }
        if (to != null) {
            String user = rules.user("to", to);
            wanted = wanted.and(m -> user.equals(m.recipient().to()));
        }
        if (room != null) {
            String name = rules.room("room", room);
            wanted = wanted.and(m -> name.equals(m.recipient().room()));
        }
        int size = paging.limit(limit);
        var page = schedule.page(wanted, cursor == null ? null : after(cursor), size + 1);
        return Paging.page(page.stream().map(MessageView::of).toList(), size,
                m -> Paging.cursor(m.createdAt().toString(), m.id()), uri);
    }

    private static ScheduleStore.Created after(String cursor) {
        List<String> parts = Paging.parts(cursor, 2);
        try {
            return new ScheduleStore.Created(Instant.parse(parts.get(0)), parts.get(1));
        } catch (DateTimeParseException e) {
            throw Paging.badCursor();
        }
    }

    /** A user sees the messages addressed to them or sent in their name; a publisher sees every message. */
    private boolean visible(ScheduledMessage m) {
        return caller.isPublisher() || caller.actsFor(m.recipient().to()) || caller.actsFor(m.from());
    }

    @GET
    @Path("{id}")
    public MessageView get(@PathParam("id") String id) {
        ScheduledMessage message = schedule.get(id).orElseThrow(() -> ApiProblem.notFound("no message " + id));
        if (!visible(message)) {
            throw new ApiProblem(403, "Forbidden", "message " + id + " is neither to nor from " + caller.user(), null);
        }
        return MessageView.of(message);
    }

    /** Answered once the cancel is on disk (with a data directory). Publishers only: they see every message. */
    @DELETE
    @Path("{id}")
    public CompletionStage<MessageView> cancel(@PathParam("id") String id) {
        return schedule.cancel(id).thenApply(outcome -> switch (outcome) {
            case CANCELLED -> MessageView.of(schedule.get(id).orElseThrow(() -> ApiProblem.notFound("no message " + id)));
            case NOT_FOUND -> throw ApiProblem.notFound("no message " + id);
            case TOO_LATE -> throw ApiProblem.conflict(
                    "message " + id + " is " + schedule.get(id).map(m -> m.status().wire()).orElse("gone")
                            + " and can no longer be cancelled");
        });
    }
}
