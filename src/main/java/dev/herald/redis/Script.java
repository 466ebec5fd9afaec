package dev.herald.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run with EVALSHA (falling back to EVAL when a node does not have it cached, e.g. a master restarted
 * empty): every change Herald makes to several keys at once is one script, atomic in Redis. Every key a script
 * touches is passed in KEYS and shares one hash tag, so it runs on Redis Cluster too.
 */
public record Script(String name, String source, String sha) {

    public static Script of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new Script(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
