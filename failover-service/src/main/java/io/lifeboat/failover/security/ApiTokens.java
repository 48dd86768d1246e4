package io.lifeboat.failover.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens of the API and their roles. Tokens are compared in constant time and never logged; a caller is
 * named by a short fingerprint of its token ({@code token:3fa2c1d0}) in the audit trail.
 */
public final class ApiTokens {

    private record Entry(byte[] token, Role role) {
    }

    private final List<Entry> entries;

    public ApiTokens(List<String> viewerTokens, List<String> operatorTokens) {
        this.entries = java.util.stream.Stream.concat(
                        viewerTokens.stream().map(t -> new Entry(t.getBytes(StandardCharsets.UTF_8), Role.VIEWER)),
                        operatorTokens.stream().map(t -> new Entry(t.getBytes(StandardCharsets.UTF_8), Role.OPERATOR)))
                .toList();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The role of a token, the strongest where it is listed twice. */
    public Optional<Role> roleOf(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        Role found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.token(), given) && (found == null || entry.role() == Role.OPERATOR)) {
                found = entry.role();
            }
        }
        return Optional.ofNullable(found);
    }

    /** A name for the holder of a token that says which token without revealing it. */
    public static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "token:" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ApiTokens[" + entries.size() + " tokens, hidden]";
    }
}
