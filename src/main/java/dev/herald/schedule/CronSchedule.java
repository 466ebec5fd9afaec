package dev.herald.schedule;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

/**
 * A recurring time: Unix cron with five fields ({@code *}{@code /5 * * * *}) or Quartz with six or seven
 * (seconds first, as in Quarkus' {@code @Scheduled}), evaluated in UTC.
 */
public final class CronSchedule {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));

    private final String expression;
    private final ExecutionTime executionTime;

    private CronSchedule(String expression, ExecutionTime executionTime) {
        this.expression = expression;
        this.executionTime = executionTime;
    }

    /** @throws IllegalArgumentException with a readable reason when the expression is not valid cron */
    public static CronSchedule parse(String expression) {
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> UNIX;
            case 6, 7 -> QUARTZ;
            default -> throw new IllegalArgumentException(
                    "cron needs 5 fields (Unix) or 6-7 fields (Quartz, seconds first); got " + fields);
        };
        ExecutionTime time = ExecutionTime.forCron(parser.parse(trimmed).validate());
        return new CronSchedule(trimmed, time);
    }

    /** The first occurrence strictly after {@code after}, or null if the expression never fires again. */
    public Instant next(Instant after) {
        return executionTime.nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                .map(ZonedDateTime::toInstant).orElse(null);
    }

    public String expression() {
        return expression;
    }
}
