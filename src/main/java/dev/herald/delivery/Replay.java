package dev.herald.delivery;

import java.util.List;

/**
 * What a stream gives back to a connection that asks for what it missed: the kept entries, in order, and whether
 * the point it asked from could be honoured ({@code gap} is true when it was from another epoch, or older than
 * what is kept, so messages in between may be gone).
 */
public record Replay(StreamPosition position, List<StreamEntry> entries, boolean gap) {

    Replay withoutGap() {
        return gap ? new Replay(position, entries, false) : this;
    }
}
