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
        MemoryDeskStore store = new MemoryDeskStore(10, 10);
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
        MemoryDeskStore store = new MemoryDeskStore(3, 2);
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
}
