package dev.herald.ws;

import dev.herald.delivery.Subscriber;

/** What the endpoint keeps per connection: its subscriber, and what its peer has sent (rate limit, last heard). */
final class ConnectionState {

    final Subscriber subscriber;
    final PeerActivity peer;

    ConnectionState(Subscriber subscriber, PeerActivity peer) {
        this.subscriber = subscriber;
        this.peer = peer;
    }
}
