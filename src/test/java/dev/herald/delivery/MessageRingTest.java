package dev.herald.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.herald.protocol.EncodedMessage;

/** The mailbox ring: what a reconnecting user gets replayed depends on it keeping ids and order straight. */
class MessageRingTest {

    private static EncodedMessage m(int n) {
        return new EncodedMessage(EncodedMessage.MESSAGE, ",\"text\":\"" + n + "\"}", null, "ann", 0, n);
    }

    @Test
    void keepsTheNewestInOrderWhileGrowingAndWrapping() {
        MessageRing ring = new MessageRing(50, 101);
        int dropped = 0;
        for (int n = 0; n < 137; n++) {
            if (ring.add(m(n))) {
                dropped++;
            }
        }
        assertThat(dropped).isEqualTo(87);
        assertThat(ring.size()).isEqualTo(50);
        assertThat(ring.oldestId()).isEqualTo(101 + 87);
        for (long id = ring.oldestId(); id < ring.oldestId() + ring.size(); id++) {
            assertThat(ring.get(id).createdNanos()).isEqualTo(id - 101);
        }
    }

    @Test
    void trimmingFromTheOldEndKeepsIdsConsecutive() {
        MessageRing ring = new MessageRing(1000, 1);
        for (int n = 0; n < 20; n++) {
            ring.add(m(n));
        }
        for (int i = 0; i < 15; i++) {
            ring.removeOldest();
        }
        for (int n = 20; n < 60; n++) {
            ring.add(m(n)); // grows while the head is not at slot 0
        }
        assertThat(ring.oldestId()).isEqualTo(16);
        assertThat(ring.size()).isEqualTo(45);
        for (long id = 16; id <= 60; id++) {
            assertThat(ring.get(id).createdNanos()).isEqualTo(id - 1);
        }
        while (!ring.isEmpty()) {
            ring.removeOldest();
        }
        assertThat(ring.oldestId()).isEqualTo(61);
        ring.add(m(60));
        assertThat(ring.get(61).createdNanos()).isEqualTo(60);
    }

    @Test
    void aZeroMailboxKeepsNothingButCountsIds() {
        MessageRing ring = new MessageRing(0, 5);
        assertThat(ring.add(m(1))).isTrue();
        assertThat(ring.isEmpty()).isTrue();
        assertThat(ring.oldestId()).isEqualTo(6);
    }
}
