package dev.herald.delivery;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

/** Room membership: for each room, the users with connections in it, and which of their connections. */
@Singleton // called per frame: no client proxy in front of it
public class Rooms {

    private final Map<String, Map<UserStream, Set<Subscriber>>> members = new ConcurrentHashMap<>();

    void join(String room, UserStream stream, Subscriber subscriber) {
        subscriber.joined(room);
        members.computeIfAbsent(room, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(stream, s -> ConcurrentHashMap.newKeySet())
                .add(subscriber);
    }

    void leave(String room, UserStream stream, Subscriber subscriber) {
        subscriber.left(room);
        members.computeIfPresent(room, (r, users) -> {
            users.computeIfPresent(stream, (s, subs) -> subs.remove(subscriber) && subs.isEmpty() ? null : subs);
            return users.isEmpty() ? null : users;
        });
    }

    /** The streams of users with at least one connection in the room; empty if nobody is in it. */
    Set<UserStream> usersIn(String room) {
        Map<UserStream, Set<Subscriber>> users = members.get(room);
        return users == null ? Set.of() : users.keySet();
    }

    public boolean exists(String room) {
        return members.containsKey(room);
    }
}
