package dev.herald.auth;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkus.websockets.next.UserData.TypedKey;

/**
 * How long an open socket may stay open: until its token's {@code exp} (plus the allowed clock skew). Set at the
 * upgrade, moved by an {@code auth} frame carrying a fresh token for the same user.
 */
public final class TokenLease {

    /** Where the upgrade check leaves the lease for the connection. */
    public static final TypedKey<TokenLease> KEY = new TypedKey<>("herald.token-lease");

    private final String user;
    /** The groups (roles) of the token the socket opened with: what a feature may let it do. */
    private final Set<String> groups;
    private volatile long expiresAt;
    private final AtomicBoolean ended = new AtomicBoolean();

    TokenLease(String user, long expiresAtEpochSecond, Set<String> groups) {
        this.user = user;
        this.groups = groups == null ? Set.of() : Set.copyOf(groups);
        this.expiresAt = expiresAtEpochSecond;
    }

    public String user() {
        return user;
    }

    /** The groups of the token the connection opened with (a renewal keeps them). */
    public Set<String> groups() {
        return groups;
    }

    /** The {@code exp} claim (epoch seconds) of the token the socket now lives on. */
    public long expiresAt() {
        return expiresAt;
    }

    void renew(long expiresAtEpochSecond) {
        this.expiresAt = expiresAtEpochSecond;
    }

    /** True once, the first time the lease is seen past its end: the caller closes the socket. */
    public boolean endsNow(long nowEpochSecond, long clockSkewSeconds) {
        return nowEpochSecond >= expiresAt + clockSkewSeconds && ended.compareAndSet(false, true);
    }
}
