package dev.herald.api;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.herald.delivery.InvalidMessage;
import dev.herald.tasks.TaskRejected;

/** Every error of the HTTP API leaves as RFC 9457 problem+json, naming the request field at fault. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem e) {
        return respond(e.problem());
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

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return respond(Problem.of(400, "Bad request", "the body is not valid JSON: " + e.getOriginalMessage(), null));
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(Problem.of(404, "Not found", e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return respond(Problem.of(status, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage(), null));
    }

    static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
