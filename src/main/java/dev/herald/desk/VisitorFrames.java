package dev.herald.desk;

import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.protocol.ClientFrame;
import dev.herald.session.FramePolicy;

/**
 * A visitor's connection (opened with a visitor token) only receives: it may resume, move its read cursor and renew
 * its token, but never send, broadcast, join rooms or watch users; a visitor writes through the desk API, to their own
 * conversation only. (With authentication off connections carry no token, so nothing tells a visitor apart.)
 */
@Singleton
class VisitorFrames implements FramePolicy {

    @Override
    public String refuses(Connection connection, ClientFrame frame) {
        if (connection.lease() == null || !connection.lease().groups().contains(DeskIdentity.VISITOR_ROLE)) {
            return null;
        }
        return switch (frame) {
            case ClientFrame.Resume r -> null;
            case ClientFrame.Read r -> null;
            case ClientFrame.Auth a -> null;
            default -> "a visitor's connection only receives: write through POST /api/desk/conversations/{id}/messages";
        };
    }
}
