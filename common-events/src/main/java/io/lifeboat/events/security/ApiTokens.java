package io.lifeboat.events.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens of a service's API and their roles, the same in every service ({@code lifeboat.api.*}, from the
 * Kubernetes Secret {@code lifeboat-operator-tokens}). Tokens are compared in constant time and never logged; a
 * caller is named by a short fingerprint of its token ({@code token:3fa2c1d0}) in the audit trail.
 */
public final class ApiTokens {

    private record Entry(byte[] token, Role role) {
    }

    public static final int MIN_LENGTH = 16;
    /** The name of the bearer-token scheme in every service's OpenAPI document ({@code /q/openapi}). */
    public static final String OPENAPI_SCHEME = "lifeboat-token";

    private final List<Entry> entries;

    public ApiTokens(List<String> viewerTokens, List<String> operatorTokens) {
        this.entries = java.util.stream.Stream.concat(
                        viewerTokens.stream().map(t -> new Entry(t.getBytes(StandardCharsets.UTF_8), Role.VIEWER)),
                        operatorTokens.stream().map(t -> new Entry(t.getBytes(StandardCharsets.UTF_8), Role.OPERATOR)))
                .toList();
    }

    /** The configured tokens, checked: each at least {@value #MIN_LENGTH} characters, blanks dropped. */
    public static ApiTokens from(ApiConfig config) {
        return new ApiTokens(checked(ApiConfig.VIEWER_KEY, config.viewerTokens().orElse(List.of())),
                checked(ApiConfig.OPERATOR_KEY, config.operatorTokens().orElse(List.of())));
    }

    private static List<String> checked(String key, List<String> tokens) {
        List<String> clean = tokens.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        if (clean.stream().anyMatch(t -> t.length() < MIN_LENGTH)) {
            throw new IllegalArgumentException(key + ": a token is shorter than " + MIN_LENGTH
                    + " characters (value not shown)");
        }
        return clean;
    }

    public boolean hasOperator() {
        return entries.stream().anyMatch(e -> e.role() == Role.OPERATOR);
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
