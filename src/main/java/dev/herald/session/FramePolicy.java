package dev.herald.session;

import dev.herald.connection.Connection;
import dev.herald.protocol.ClientFrame;

/**
 * A feature's narrower rule on what a connection may send (the support desk: a visitor's connection only receives).
 * Every bean of this type is asked before a frame is carried out; one refusal makes it a {@code forbidden} error.
 */
public interface FramePolicy {

    /** Null when the connection may send this frame; else why not (the error's message). */
    String refuses(Connection connection, ClientFrame frame);
}
