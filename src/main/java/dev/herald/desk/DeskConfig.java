package dev.herald.desk;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The support desk; documented in application.properties ("Support desk"). */
@ConfigMapping(prefix = "herald.desk")
public interface DeskConfig {

    /** The role (JWT group) that makes a user an agent. */
    @WithDefault("agent")
    @NotBlank
    String agentRole();

    /** Dev and tests: users who are agents whatever their token says (and who may get a dev agent token). */
    Optional<List<String>> agents();

    /** How long an agent may be offline (every tab closed) before their open conversations are handed on. */
    @WithDefault("30s")
    @DurationMin(millis = 1)
    Duration grace();

    /** Visitors one client address may create per minute ({@code POST /api/desk/visitors}). */
    @WithDefault("10")
    @Min(1)
    int visitorsPerMinute();

    /** Lifetime of a visitor's token. */
    @WithDefault("7d")
    @DurationMin(seconds = 1)
    Duration visitorTokenLifetime();

    /** Entries kept per conversation (the oldest are dropped past it). */
    @WithDefault("1000")
    @Min(1)
    int maxHistory();

    /** Closed conversations kept (with their histories) for the back office; past it the oldest closed are forgotten. */
    @WithDefault("10000")
    @Min(1)
    int maxClosed();
}
