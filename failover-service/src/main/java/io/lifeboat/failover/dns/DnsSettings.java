package io.lifeboat.failover.dns;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Checked DNS settings. {@link #toString()} leaves the TSIG secret out: it must never reach a log line.
 *
 * @param server        the primary that takes updates
 * @param verifyServers every authoritative server asked during verification
 * @param names         names relative to the zone
 * @param epochRecord   the TXT name (relative to the zone, or absolute) that holds the epoch of the last switch
 * @param sites         what DNS says for each site when it is active
 */
public record DnsSettings(DnsMode mode, HostPort server, List<HostPort> verifyServers, String zone,
        List<String> names, String epochRecord, int ttlSeconds, String tsigKeyName, String tsigAlgorithm,
        String tsigSecret, Map<String, DnsTarget> sites) {

    public DnsSettings {
        verifyServers = List.copyOf(verifyServers);
        names = List.copyOf(names);
        sites = Map.copyOf(sites);
    }

    public DnsTarget target(String siteId) {
        DnsTarget target = sites.get(siteId);
        if (target == null) {
            throw new IllegalArgumentException("no DNS target configured for site " + siteId);
        }
        return target;
    }

    public DnsSettings withSecret(String otherSecret) {
        return new DnsSettings(mode, server, verifyServers, zone, names, epochRecord, ttlSeconds, tsigKeyName,
                tsigAlgorithm, otherSecret, sites);
    }

    public Duration ttl() {
        return Duration.ofSeconds(ttlSeconds);
    }

    @Override
    public String toString() {
        return "DnsSettings[mode=" + mode + ", server=" + server + ", verifyServers=" + verifyServers + ", zone=" + zone
                + ", names=" + names + ", epochRecord=" + epochRecord + ", ttl=" + ttlSeconds + ", tsigKeyName="
                + tsigKeyName + ", tsigAlgorithm=" + tsigAlgorithm + ", tsigSecret=(hidden), sites=" + sites + "]";
    }

    /** A server's address. */
    public record HostPort(String host, int port) {
        public static HostPort parse(String text, int defaultPort) {
            String t = text.trim();
            int colon = t.lastIndexOf(':');
            if (colon > 0 && t.indexOf(':') == colon) {
                return new HostPort(t.substring(0, colon), Integer.parseInt(t.substring(colon + 1)));
            }
            return new HostPort(t, defaultPort);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
