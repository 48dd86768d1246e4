package io.lifeboat.filesync.store.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for S3, header-based, with the body declared {@code UNSIGNED-PAYLOAD}: the request line,
 * query and the signed headers are authenticated, the body is not hashed (Lifeboat proves each copy by its own
 * SHA-256 and, for small files, Content-MD5). Thread-safe; the derived signing key is kept for its day.
 */
final class SigV4 {

    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    static final String SECURITY_TOKEN = "x-amz-security-token";

    private final String accessKey;
    private final byte[] secret;
    private final String region;
    private final String sessionToken;
    private volatile DayKey dayKey;

    private record DayKey(String day, byte[] key) {
    }

    SigV4(String accessKey, String secretKey, String region) {
        this(accessKey, secretKey, region, null);
    }

    /**
     * @param sessionToken the session token of temporary credentials (STS), or null: sent as
     *                     {@code x-amz-security-token} and signed, as S3 requires of temporary credentials
     */
    SigV4(String accessKey, String secretKey, String region, String sessionToken) {
        this.sessionToken = sessionToken;
        this.accessKey = accessKey;
        this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
        this.region = region;
    }

    /**
     * The headers to add to a request: {@code x-amz-date}, {@code x-amz-content-sha256} and {@code Authorization};
     * {@code x-amz-security-token} too, signed, with temporary credentials.
     *
     * @param encodedPath   the path exactly as sent (each segment already URI-encoded)
     * @param query         query parameters, not encoded
     * @param signedHeaders headers to sign besides host and the two above (lower-case names)
     */
    Map<String, String> sign(String method, String hostHeader, String encodedPath, Map<String, String> query,
            Map<String, String> signedHeaders, Instant now) {
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        SortedMap<String, String> headers = new TreeMap<>();
        signedHeaders.forEach((name, value) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                value.trim().replaceAll(" +", " ")));
        headers.put("host", hostHeader);
        headers.put("x-amz-content-sha256", UNSIGNED_PAYLOAD);
        headers.put("x-amz-date", amzDate);
        if (sessionToken != null) {
            headers.put(SECURITY_TOKEN, sessionToken);
        }
        String names = String.join(";", headers.keySet());
        String canonical = method + "\n" + encodedPath + "\n" + canonicalQuery(query) + "\n"
                + headers.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n")
                        .collect(Collectors.joining())
                + "\n" + names + "\n" + UNSIGNED_PAYLOAD;
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical));
        String signature = HexFormat.of().formatHex(hmac(signingKey(day), toSign));
        Map<String, String> added = new java.util.HashMap<>(Map.of("x-amz-date", amzDate, "x-amz-content-sha256",
                UNSIGNED_PAYLOAD, "Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=" + names + ", Signature=" + signature));
        if (sessionToken != null) {
            added.put(SECURITY_TOKEN, sessionToken);
        }
        return added;
    }

    static String canonicalQuery(Map<String, String> query) {
        SortedMap<String, String> sorted = new TreeMap<>();
        query.forEach((k, v) -> sorted.put(encode(k, true), encode(v == null ? "" : v, true)));
        return sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    /** S3's URI encoding: every byte but the unreserved characters, and '/' too unless it separates path segments. */
    static String encode(String value, boolean encodeSlash) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || (c == '/' && !encodeSlash)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private byte[] signingKey(String day) {
        DayKey current = dayKey;
        if (current == null || !current.day().equals(day)) {
            byte[] key = hmac(secret, day);
            key = hmac(key, region);
            key = hmac(key, "s3");
            key = hmac(key, "aws4_request");
            current = new DayKey(day, key);
            dayKey = current;
        }
        return current.key();
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private static byte[] sha256(String data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
