package dev.herald.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.herald.delivery.InvalidMessage;
import dev.herald.delivery.Unavailable;
import dev.herald.tasks.TaskRejected;

/** Every error of the HTTP API leaves as RFC 9457 problem+json, naming the request field at fault. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e) {
        return respond(e.problem());
    }

    @ServerExceptionMapper
    public Response unavailable(Unavailable e) {
        return respond(Problem.of(503, "Unavailable", e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response invalidMessage(InvalidMessage e) {
        return respond(Problem.of(400, "Bad request", e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response taskRejected(TaskRejected e) {
        String title = switch (e.status()) {
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 429 -> "Too many requests";
            default -> "Bad request";
        };
        return respond(Problem.of(e.status(), title, e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return respond(Problem.of(400, "Bad request",
                "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds(),
                e.getPropertyName()));
    }

    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown);
        }
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response badJson(JsonMappingException e) {
        String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
        String detail = field == null ? "the body is not the expected JSON object: " + e.getOriginalMessage()
                : "'" + field + "' has the wrong type: " + e.getOriginalMessage();
        return respond(Problem.of(400, "Bad request", detail, field));
    }

    /** Broken JSON, NaN, nesting past Jackson's depth limit: named after the body's field being read, if any. */
    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        String field = e.getProcessor() instanceof JsonParser parser ? topLevelField(parser.getParsingContext()) : null;
        String where = field == null ? "the body" : "the value of '" + field + "'";
        return respond(Problem.of(400, "Bad request", where + " is not valid JSON: " + e.getOriginalMessage(), field));
    }

    /** The member of the body's top-level object that encloses where the parser stopped. */
    private static String topLevelField(JsonStreamContext context) {
        JsonStreamContext c = context;
        while (c != null && c.getParent() != null && !c.getParent().inRoot()) {
            c = c.getParent();
        }
        return c != null && c.inObject() ? c.getCurrentName() : null;
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(Problem.of(404, "Not found", e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        // The REST layer wraps what Jackson could not read (broken JSON, NaN, too deep) before it reaches us.
        if (e.getCause() instanceof MismatchedInputException mismatch) {
            return wrongType(mismatch);
        }
        if (e.getCause() instanceof JsonMappingException mapping) {
            return badJson(mapping);
        }
        if (e.getCause() instanceof JsonProcessingException parsing) {
            return malformedJson(parsing);
        }
        int status = e.getResponse().getStatus();
        return respond(Problem.of(status, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage(), null));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
