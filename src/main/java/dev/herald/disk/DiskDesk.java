package dev.herald.disk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.desk.Conversation;
import dev.herald.desk.DeskJournal;
import dev.herald.desk.Entry;

/**
 * The support desk in the data directory: each conversation's latest state by id ({@code desk-conversations}), every
 * history entry by conversation and number ({@code desk-entries}: an entry costs one small write whatever the length
 * of the history) and the known agents ({@code desk-agents}). Changes are queued under the memory store's lock, so
 * they reach the disk in the order they happened.
 */
@Singleton
@Typed(DiskDesk.class) // injected through dev.herald.engine.Engines as its interface
public class DiskDesk implements DeskJournal {

    private static final int FORMAT = 1;
    private static final byte[] KNOWN = new byte[0];

    private final DataDirectory dir;

    public DiskDesk(DataDirectory dir) {
        this.dir = dir;
    }

    @Override
    public void restore(Consumer<Conversation> conversations, BiConsumer<String, Entry> entries,
            Consumer<String> agents) {
        dir.reading(() -> {
            List<Conversation> all = new ArrayList<>();
            for (byte[] value : dir.deskConversations.values()) {
                all.add(conversation(value));
            }
            all.sort(Comparator.comparing(Conversation::openedAt).thenComparing(Conversation::id));
            all.forEach(conversations);
            for (Map.Entry<String, byte[]> e : dir.deskEntries.entrySet()) { // by conversation, then by number
                entries.accept(e.getKey().substring(0, e.getKey().indexOf('/')), entry(e.getValue()));
            }
            dir.deskAgents.keySet().forEach(agents);
            return null;
        });
    }

    @Override
    public void conversation(Conversation c) {
        byte[] value = bytes(c);
        dir.write(() -> dir.deskConversations.put(c.id(), value));
    }

    @Override
    public void entry(String conversation, Entry e, long dropped) {
        byte[] value = bytes(e);
        dir.write(() -> {
            dir.deskEntries.put(entryKey(conversation, e.seq()), value);
            if (dropped > 0) {
                dir.deskEntries.remove(entryKey(conversation, dropped));
            }
        });
    }

    @Override
    public void forget(String conversation) {
        dir.write(() -> {
            dir.deskConversations.remove(conversation);
            String from = conversation + "/";
            for (String key = dir.deskEntries.ceilingKey(from); key != null && key.startsWith(from);
                    key = dir.deskEntries.higherKey(key)) {
                dir.deskEntries.remove(key);
            }
        });
    }

    @Override
    public void agent(String agent) {
        dir.write(() -> dir.deskAgents.put(agent, KNOWN));
    }

    /** Sorts by conversation, then by number. */
    private static String entryKey(String conversation, long seq) {
        return conversation + "/" + String.format("%019d", seq);
    }

    private static byte[] bytes(Conversation c) {
        return new Bytes.Out(FORMAT, 96).str(c.id()).str(c.visitor()).str(c.agent()).str(c.state().wire())
                .instant(c.openedAt()).instant(c.closedAt()).bytes();
    }

    private static Conversation conversation(byte[] value) {
        Bytes.In in = new Bytes.In(value);
        return new Conversation(in.str(), in.str(), in.str(), Conversation.State.of(in.str()), in.instant(),
                in.instant());
    }

    private static byte[] bytes(Entry e) {
        return new Bytes.Out(FORMAT, 64 + (e.text() == null ? 0 : e.text().length())).i64(e.seq()).instant(e.at())
                .str(e.from()).str(e.text()).str(e.event()).str(e.agent()).bytes();
    }

    private static Entry entry(byte[] value) {
        Bytes.In in = new Bytes.In(value);
        return new Entry(in.i64(), in.instant(), in.str(), in.str(), in.str(), in.str());
    }
}
