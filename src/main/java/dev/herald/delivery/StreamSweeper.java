package dev.herald.delivery;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Trims what users' streams have kept past their retention, whichever engine keeps them. */
@ApplicationScoped
public class StreamSweeper {

    private final StreamStore streams;

    StreamSweeper(StreamStore streams) {
        this.streams = streams;
    }

    @Scheduled(every = "${herald.delivery.sweep-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        streams.sweep();
    }
}
