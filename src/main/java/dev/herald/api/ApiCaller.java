package dev.herald.api;

import jakarta.enterprise.context.RequestScoped;

import dev.herald.auth.Tokens;


/**
 * Who is calling the HTTP API, as {@link ApiAccessFilter} found it: a publisher (a back end, or anyone while
 * authentication is off), or one user, who may see and start only what is theirs.
 */
@RequestScoped
public class ApiCaller {

    private String user;
    /** Until the filter identifies a token: everything while authentication is off, nothing while it is on. */
    private boolean publisher;

    ApiCaller(Tokens tokens) {
        this.publisher = !tokens.enabled();
    }

    void identify(String user, boolean publisher) {
        this.user = user;
        this.publisher = publisher;
    }

    public boolean isPublisher() {
        return publisher;
    }

    /** The token's subject; null while authentication is off. */
    public String user() {
        return user;
    }

    /** Whether the caller may see or act on what belongs to user {@code owner}. */
    public boolean actsFor(String owner) {
        return publisher || (user != null && user.equals(owner));
    }

    /** A 403 problem naming {@code field} unless the caller acts for {@code owner}. */
    public void requireActsFor(String owner, String field) {
        if (!actsFor(owner)) {
            throw new ApiProblem(403, "Forbidden",
                    "a token for '" + user + "' may only use its own '" + field + "'; other users need a publisher token",
                    field);
        }
    }

    /** Whom a per-user quota counts against: the token's user, or {@code owner} while authentication is off. */
    public String quotaKey(String owner) {
        return user != null ? user : owner;
    }
}
