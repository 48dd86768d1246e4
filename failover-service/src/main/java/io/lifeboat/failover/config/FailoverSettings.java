package io.lifeboat.failover.config;

import io.lifeboat.failover.decision.Mode;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.dns.DnsMode;
import io.lifeboat.failover.dns.DnsSettings;
import io.lifeboat.failover.dns.DnsSettings.HostPort;
import io.lifeboat.failover.dns.DnsTarget;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns the raw configuration into checked settings. Every problem names its key (in property form; the
 * environment form is the same upper-cased with {@code _}); a secret's value never appears in a message.
 */
public final class FailoverSettings {

    private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String F = "lifeboat.failover.";
    private static final String D = "lifeboat.dns.";

    private FailoverSettings() {
    }

    public static Policy policy(FailoverConfig c) {
        requireSiteId(F + "home-site", c.homeSite());
        if (c.sites().size() != 2) {
            throw new InvalidConfig(F + "sites", "exactly two sites are needed (home and one other), found "
                    + c.sites().keySet());
        }
        c.sites().keySet().forEach(s -> requireSiteId(F + "sites." + s, s));
        if (!c.sites().containsKey(c.homeSite())) {
            throw new InvalidConfig(F + "home-site", "'" + c.homeSite() + "' is not one of the sites " + c.sites().keySet());
        }
        String other = c.sites().keySet().stream().filter(s -> !s.equals(c.homeSite())).findFirst().orElseThrow();
        Mode mode = switch (c.mode().trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> Mode.AUTO;
            case "manual" -> Mode.MANUAL;
            default -> throw new InvalidConfig(F + "mode", "must be auto or manual, was '" + c.mode() + "'");
        };
        positive(F + "grace", c.grace(), true);
        positive(F + "allowed-data-loss", c.allowedDataLoss(), true);
        positive(F + "lag-stale-after", c.lagStaleAfter(), false);
        positive(F + "cooldown", c.cooldown(), true);
        positive(F + "steps.timeout", c.steps().timeout(), false);
        positive(F + "steps.fence-timeout", c.steps().fenceTimeout(), false);
        positive(F + "steps.drain-timeout", c.steps().drainTimeout(), false);
        positive(F + "steps.reverse-timeout", c.steps().reverseTimeout(), false);
        positive(F + "steps.dns-timeout", c.steps().dnsTimeout(), false);
        positive(F + "failback.max-lag", c.failback().maxLag(), true);
        positive(F + "failback.catch-up-timeout", c.failback().catchUpTimeout(), false);
        positive(F + "failback.home-stable-for", c.failback().homeStableFor(), true);
        positive(F + "loop-interval", c.loopInterval(), false);
        if (c.steps().attempts() < 1) {
            throw new InvalidConfig(F + "steps.attempts", "must be at least 1, was " + c.steps().attempts());
        }
        if (c.quorum().minObservers() < 1) {
            throw new InvalidConfig(F + "quorum.min-observers", "must be at least 1, was " + c.quorum().minObservers());
        }
        if (c.quorum().minLocations() < 1) {
            throw new InvalidConfig(F + "quorum.min-locations", "must be at least 1, was " + c.quorum().minLocations());
        }
        List<String> dbLinks = c.databaseLinks().stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (dbLinks.isEmpty()) {
            throw new InvalidConfig(F + "database-links", "at least one database link is needed");
        }
        List<String> fileLinks = c.fileLinks().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (c.stateId().isBlank()) {
            throw new InvalidConfig(F + "state-id", "is empty");
        }
        return new Policy(c.stateId(), c.homeSite(), other, mode, c.grace(), c.allowedDataLoss(), c.lagStaleAfter(),
                c.cooldown(), c.quorum().minObservers(), c.quorum().minLocations(), dbLinks, fileLinks,
                c.steps().timeout(), c.steps().attempts(), c.steps().fenceTimeout(), c.steps().drainTimeout(),
                c.steps().reverseTimeout(), c.steps().dnsTimeout(), c.failback().maxLag(), c.failback().catchUpTimeout(),
                c.failback().automaticReverse(), c.failback().homeStableFor());
    }

    public static DnsSettings dns(DnsConfig d, FailoverConfig c) {
        DnsMode mode = switch (d.mode().trim().toLowerCase(Locale.ROOT)) {
            case "records", "a", "address" -> DnsMode.RECORDS;
            case "delegation", "ns" -> DnsMode.DELEGATION;
            default -> throw new InvalidConfig(D + "mode", "must be records or delegation, was '" + d.mode() + "'");
        };
        if (d.host().isBlank()) {
            throw new InvalidConfig(D + "host", "is empty");
        }
        port(D + "port", d.port());
        HostPort server = new HostPort(d.host().trim(), d.port());
        List<HostPort> verify = new ArrayList<>();
        for (String s : d.verifyServers().orElse(List.of())) {
            try {
                HostPort hp = HostPort.parse(s, 53);
                port(D + "verify-servers", hp.port());
                verify.add(hp);
            } catch (NumberFormatException e) {
                throw new InvalidConfig(D + "verify-servers", "'" + s + "' is not host:port");
            }
        }
        if (verify.isEmpty()) {
            verify.add(server);
        }
        String zone = trimDot(d.zone().trim());
        if (zone.isEmpty()) {
            throw new InvalidConfig(D + "zone", "is empty");
        }
        List<String> names = d.records().stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new InvalidConfig(D + "records", "at least one name is needed");
        }
        String epochRecord = d.epochRecord().trim();
        if (epochRecord.isEmpty() || !epochRecord.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?")) {
            throw new InvalidConfig(D + "epoch-record", "'" + d.epochRecord() + "' is not a DNS name");
        }
        String e = trimDot(epochRecord).toLowerCase(Locale.ROOT);
        for (String n : names) {
            // Below a zone cut the record would be occluded: never answered, yet still checked by prerequisites.
            String cut = trimDot(n).toLowerCase(Locale.ROOT);
            if (mode == DnsMode.DELEGATION && (e.equals(cut) || e.endsWith("." + cut))) {
                throw new InvalidConfig(D + "epoch-record", "'" + epochRecord + "' is at or below the delegated name '"
                        + n + "': choose a name the zone itself holds");
            }
        }
        if (d.ttl() < 0 || d.ttl() > 86400) {
            throw new InvalidConfig(D + "ttl", "must be between 0 and 86400 seconds, was " + d.ttl());
        }
        if (d.tsig().keyName().isBlank()) {
            throw new InvalidConfig(D + "tsig.key-name", "is empty");
        }
        String algorithm = d.tsig().algorithm().trim().toLowerCase(Locale.ROOT);
        if (!List.of("hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224", "hmac-sha1").contains(algorithm)) {
            throw new InvalidConfig(D + "tsig.algorithm", "'" + d.tsig().algorithm()
                    + "' is not supported (hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1)");
        }
        String secret = d.tsig().secret().trim();
        try {
            if (secret.isEmpty() || Base64.getDecoder().decode(secret).length < 16) {
                throw new InvalidConfig(D + "tsig.secret", "must be a base64 key of at least 16 bytes (value not shown)");
            }
        } catch (IllegalArgumentException notBase64) {
            if (notBase64 instanceof InvalidConfig ic) {
                throw ic;
            }
            throw new InvalidConfig(D + "tsig.secret", "is not base64 (value not shown)");
        }
        Map<String, DnsTarget> sites = new LinkedHashMap<>();
        c.sites().forEach((site, sc) -> {
            List<String> addresses = sc.addresses().orElse(List.of()).stream().map(String::trim).toList();
            List<String> nameservers = sc.nameservers().orElse(List.of()).stream().map(String::trim).toList();
            String key = F + "sites." + site + ".";
            addresses.forEach(a -> requireAddress(key + "addresses", a));
            if (mode == DnsMode.RECORDS && addresses.isEmpty()) {
                throw new InvalidConfig(key + "addresses", "records mode needs the site's addresses");
            }
            if (mode == DnsMode.DELEGATION && nameservers.isEmpty()) {
                throw new InvalidConfig(key + "nameservers", "delegation mode needs the site's name servers");
            }
            sites.put(site, new DnsTarget(site, addresses, nameservers));
        });
        return new DnsSettings(mode, server, verify, zone, names, epochRecord, d.ttl(), d.tsig().keyName().trim(),
                algorithm, secret, sites);
    }

    private static void requireSiteId(String key, String site) {
        if (site == null || !SITE_ID.matcher(site).matches()) {
            throw new InvalidConfig(key, "'" + site + "' is not a site id (lower-case letters, digits and dashes)");
        }
    }

    private static void requireAddress(String key, String address) {
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = address.contains(":") && address.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new InvalidConfig(key, "'" + address + "' is not an IPv4 or IPv6 address");
        }
        try {
            InetAddress.getByName(address); // literal only: no lookup for a literal
        } catch (Exception e) {
            throw new InvalidConfig(key, "'" + address + "' is not an IPv4 or IPv6 address");
        }
    }

    private static void positive(String key, Duration d, boolean zeroAllowed) {
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new InvalidConfig(key, "must be " + (zeroAllowed ? "zero or more" : "positive") + ", was " + d);
        }
    }

    private static void port(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidConfig(key, "must be a port (1-65535), was " + port);
        }
    }

    private static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }
}
