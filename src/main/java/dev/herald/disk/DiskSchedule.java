package dev.herald.disk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.schedule.CronSchedule;
import dev.herald.schedule.Recipient;
import dev.herald.schedule.ScheduleJournal;
import dev.herald.schedule.ScheduledMessage;
import dev.herald.schedule.Status;

/**
 * Scheduled messages in the data directory, each in its latest state, in order of creation (so that new messages and
 * the transitions of recent ones touch the same few pages of the store). Two threads may queue states of one
 * message out of order (a recurring message fired again right after its previous occurrence): the later transition
 * is the one kept.
 */
@Singleton
@Typed(DiskSchedule.class) // injected through dev.herald.engine.Engines as its interface
public class DiskSchedule implements ScheduleJournal {

    private static final int FORMAT = 1;

    private final DataDirectory dir;
    /** How far along its life each stored message is, as last written (on the writer thread). */
    private final Map<String, Integer> written = new ConcurrentHashMap<>();

    public DiskSchedule(DataDirectory dir) {
        this.dir = dir;
    }

    /** Transitions only move forward: pending (n deliveries) before finished or pending (n + 1). */
    private static int rank(ScheduledMessage m) {
        boolean finished = m.status() != Status.PENDING && m.status() != Status.FIRING;
        return m.deliveries() * 2 + (finished ? 1 : 0);
    }

    @Override
    public void restore(Consumer<ScheduledMessage> messages) {
        dir.reading(() -> {
            for (Map.Entry<String, byte[]> e : dir.scheduled.entrySet()) {
                ScheduledMessage m = message(e.getValue());
                written.put(m.id(), rank(m));
                messages.accept(m);
            }
            return null;
        });
    }

    @Override
    public void write(ScheduledMessage m) {
        int rank = rank(m);
        byte[] value = bytes(m);
        String key = key(m);
        dir.write(() -> {
            if (rank >= written.getOrDefault(m.id(), -1)) {
                dir.scheduled.put(key, value);
                written.put(m.id(), rank);
            }
        });
    }

    @Override
    public void forget(ScheduledMessage m) {
        String key = key(m);
        dir.write(() -> {
            dir.scheduled.remove(key);
            written.remove(m.id());
        });
    }

    /** Creation time, then id: the order messages are listed in. */
    private static String key(ScheduledMessage m) {
        return String.format("%012d%09d/%s", m.createdAt().getEpochSecond(), m.createdAt().getNano(), m.id());
    }

    private static byte[] bytes(ScheduledMessage m) {
        Recipient r = m.recipient();
        return new Bytes.Out(FORMAT, 128 + m.text().length()).str(m.id()).str(r.to()).str(r.room()).bool(r.broadcast())
                .str(m.from()).str(m.text()).instant(m.createdAt()).str(m.cron() == null ? null : m.cron().expression())
                .bool(m.pastDue()).str(m.status().wire()).instant(m.deliverAt()).instant(m.deliveredAt())
                .i32(m.deliveries()).i32(m.recipients()).str(m.error()).bytes();
    }

    private static ScheduledMessage message(byte[] value) {
        Bytes.In in = new Bytes.In(value);
        String id = in.str();
        Recipient recipient = new Recipient(in.str(), in.str(), in.bool());
        String from = in.str();
        String text = in.str();
        var createdAt = in.instant();
        String cron = in.str();
        boolean pastDue = in.bool();
        Status status = Status.parse(in.str());
        return new ScheduledMessage(id, recipient, from, text, createdAt, cron == null ? null : CronSchedule.parse(cron),
                pastDue, status, in.instant(), in.instant(), in.i32(), in.i32(), in.str());
    }
}
