package dev.herald.desk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The memory desk: conditional assignment, agents' loads, and its bounds (history, closed conversations). */
class MemoryDeskStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Conversation queued(String id, String visitor, int minute) {
        return new Conversation(id, visitor, null, Conversation.State.QUEUED, T0.plusSeconds(60L * minute), null);
    }

    @Test
    void anAssignmentHappensOnlyFromTheStateItExpects() {
        MemoryDeskStore store = new MemoryDeskStore(10, 10, null);
        store.open(queued("c1", "v1", 0));
        store.agentOnline("ann", T0);
        store.agentOnline("ben", T0.plusSeconds(1));
        assertThat(store.assign("c1", null, "ann", T0.plusSeconds(5))).isPresent();
        assertThat(store.assign("c1", null, "ben", T0.plusSeconds(5))).isEmpty(); // a second node, too late
        assertThat(store.assign("c1", "ben", "ann", T0.plusSeconds(5))).isEmpty();
        assertThat(store.agents()).containsExactly(new AgentLoad("ann", 1, T0.plusSeconds(5)),
                new AgentLoad("ben", 0, T0.plusSeconds(1)));
        assertThat(store.requeue("c1", "ben")).isEmpty();
        assertThat(store.requeue("c1", "ann")).map(Conversation::state).contains(Conversation.State.QUEUED);
        assertThat(store.agents()).extracting(AgentLoad::open).containsExactly(0, 0);
        assertThat(store.close("c1", T0)).isPresent();
        assertThat(store.close("c1", T0)).isEmpty();
        assertThat(store.assign("c1", null, "ann", T0)).isEmpty();
        assertThat(store.openFor("v1")).isEmpty();
    }

    @Test
    void historyAndClosedConversationsAreBounded() {
        MemoryDeskStore store = new MemoryDeskStore(3, 2, null);
        store.open(queued("c1", "v1", 0));
        for (int i = 1; i <= 5; i++) {
            assertThat(store.append("c1", Entry.message("v1", "line " + i, T0)).seq()).isEqualTo(i);
        }
        assertThat(store.history("c1")).extracting(Entry::text).containsExactly("line 3", "line 4", "line 5");
        for (int i = 2; i <= 3; i++) {
            store.open(queued("c" + i, "v" + i, i));
        }
        store.close("c2", T0);
        store.close("c1", T0);
        store.close("c3", T0);
        // c2 closed first: forgotten with its history; the two closed last stay.
        assertThat(store.get("c2")).isEmpty();
        assertThat(store.list(Conversation.State.CLOSED, 10)).extracting(Conversation::id).containsExactly("c1", "c3");
        assertThat(store.history("c1")).hasSize(3);
    }

    /** What a data directory keeps, in maps: the latest state of each conversation, the entries, the agents. */
    static final class MapJournal implements DeskJournal {
        final java.util.Map<String, Conversation> conversations = new java.util.LinkedHashMap<>();
        final java.util.Map<String, java.util.TreeMap<Long, Entry>> entries = new java.util.HashMap<>();
        final java.util.Set<String> agents = new java.util.LinkedHashSet<>();

        @Override
        public void restore(java.util.function.Consumer<Conversation> cs,
                java.util.function.BiConsumer<String, Entry> es, java.util.function.Consumer<String> as) {
            conversations.values().forEach(cs);
            entries.forEach((id, byseq) -> byseq.values().forEach(e -> es.accept(id, e)));
            agents.forEach(as);
        }

        @Override
        public void conversation(Conversation c) {
            conversations.put(c.id(), c);
        }

        @Override
        public void entry(String conversation, Entry e, long dropped) {
            var byseq = entries.computeIfAbsent(conversation, k -> new java.util.TreeMap<>());
            byseq.put(e.seq(), e);
            byseq.remove(dropped);
        }

        @Override
        public void forget(String conversation) {
            conversations.remove(conversation);
            entries.remove(conversation);
        }

        @Override
        public void agent(String agent) {
            agents.add(agent);
        }
    }

    @Test
    void aStoreWrittenThroughComesBackAsItWasExceptWhoIsAtTheDesk() {
        MapJournal disk = new MapJournal();
        MemoryDeskStore before = new MemoryDeskStore(3, 1, disk);
        before.registerAgent("ann");
        before.agentOnline("ann", T0);
        before.open(queued("c1", "v1", 0));
        before.open(queued("c2", "v2", 1));
        before.open(queued("c3", "v3", 2));
        before.assign("c1", null, "ann", T0);
        for (int i = 1; i <= 4; i++) {
            before.append("c1", Entry.message("v1", "line " + i, T0));
        }
        before.close("c2", T0);
        before.close("c3", T0); // c2 is forgotten: one closed conversation is kept

        MemoryDeskStore after = new MemoryDeskStore(3, 1, disk);
        assertThat(after.get("c1")).isEqualTo(before.get("c1"));
        assertThat(after.get("c2")).isEmpty();
        assertThat(after.get("c3")).map(Conversation::state).contains(Conversation.State.CLOSED);
        assertThat(after.history("c1")).extracting(Entry::text).containsExactly("line 2", "line 3", "line 4");
        assertThat(after.append("c1", Entry.message("v1", "line 5", T0)).seq()).isEqualTo(5);
        assertThat(after.openFor("v1")).map(Conversation::id).contains("c1");
        assertThat(after.openFor("v3")).isEmpty();
        assertThat(after.isAgent("ann")).isTrue();
        assertThat(after.assignedTo("ann")).extracting(Conversation::id).containsExactly("c1");
        assertThat(after.agents()).isEmpty(); // at the desk again once ann's connection is back
        assertThat(after.agentOnline("ann", T0)).isTrue();
        assertThat(after.agents()).containsExactly(new AgentLoad("ann", 1, T0));
    }
}
