package dev.herald.api;

/** Thrown by resources to answer with a problem+json body. */
public class ApiProblem extends RuntimeException {

    private final transient Problem problem;

    public ApiProblem(int status, String title, String detail, String field) {
        super(detail, null, false, false);
        this.problem = Problem.of(status, title, detail, field);
    }

    public static ApiProblem badRequest(String field, String detail) {
        return new ApiProblem(400, "Bad request", detail, field);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail, null);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail, null);
    }

    public Problem problem() {
        return problem;
    }
}
