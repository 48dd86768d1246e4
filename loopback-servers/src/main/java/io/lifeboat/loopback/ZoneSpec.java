package io.lifeboat.loopback;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The initial content of the DNS server's zone: its name, A records (relative or absolute names to IPv4 addresses)
 * and the TTL of those records in seconds. Only used when the zone file does not exist yet; after that the zone's
 * content is whatever updates made it.
 */
public record ZoneSpec(String zone, Map<String, String> aRecords, int ttlSeconds) {

    public static final String DEFAULT_ZONE = "app.lifeboat.test";

    public ZoneSpec {
        zone = stripDot(zone);
        aRecords = Map.copyOf(aRecords);
        if (ttlSeconds < 0) {
            throw new IllegalArgumentException("negative TTL");
        }
    }

    /** {@code app.lifeboat.test} with {@code portal} → 127.0.0.1, TTL 30 s. */
    public static ZoneSpec defaults() {
        return new ZoneSpec(DEFAULT_ZONE, Map.of("portal", "127.0.0.1"), 30);
    }

    public ZoneSpec withARecord(String name, String address) {
        Map<String, String> records = new LinkedHashMap<>(aRecords);
        records.put(name, address);
        return new ZoneSpec(zone, records, ttlSeconds);
    }

    public ZoneSpec withTtl(int seconds) {
        return new ZoneSpec(zone, aRecords, seconds);
    }

    /** The fully qualified name (with the final dot) for a name given relative to the zone or absolute. */
    public String absolute(String name) {
        String bare = stripDot(name);
        if (bare.equals(zone) || bare.endsWith("." + zone)) {
            return bare + ".";
        }
        return bare + "." + zone + ".";
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
