package dev.herald.ticker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** One ticker connection: its client's address, how many pushes so far, the last text its client sent, its timer. */
final class TickerSession {

    final String address;
    final AtomicInteger sent = new AtomicInteger();
    final AtomicReference<String> lastClientText = new AtomicReference<>();
    volatile long timerId = -1;

    TickerSession(String address) {
        this.address = address;
    }
}
