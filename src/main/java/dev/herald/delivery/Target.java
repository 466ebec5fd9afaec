package dev.herald.delivery;

/** Where a message goes: one user (all their connections), the members of a room, or everyone online. */
public sealed interface Target {

    record User(String name) implements Target {
    }

    record Room(String name) implements Target {
    }

    record Everyone() implements Target {
    }
}
