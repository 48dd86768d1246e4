package io.lifeboat.heartbeat.config;

import io.lifeboat.events.db.PostgresTls;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns the configured sites and targets into checked {@link TargetSpec}s. Anything wrong stops start-up with a
 * message that starts with the key to fix, e.g. {@code lifeboat.heartbeat.sites.home.targets.web.url: ...}: an
 * observer that silently probes the wrong thing is worse than one that does not start.
 */
public final class TargetSpecs {

    static final String PREFIX = "lifeboat.heartbeat";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)([?&](password|sslpassword)=)[^&]*");

    private TargetSpecs() {
    }

    public static List<TargetSpec> from(HeartbeatConfig config) {
        checkPositive(PREFIX + ".interval", config.interval());
        checkPositive(PREFIX + ".timeout", config.timeout());
        List<TargetSpec> specs = new ArrayList<>();
        // Sorted, so the probe order and every listing are the same on every observer.
        for (Map.Entry<String, HeartbeatConfig.SiteConfig> site : new TreeMap<>(config.sites()).entrySet()) {
            String siteKey = PREFIX + ".sites." + site.getKey();
            if (!ID.matcher(site.getKey()).matches()) {
                throw new IllegalArgumentException(siteKey + ": '" + site.getKey()
                        + "' is not a site id (lower-case letters, digits, dashes)");
            }
            if (site.getValue().targets().isEmpty()) {
                throw new IllegalArgumentException(siteKey + ".targets: site '" + site.getKey() + "' has no targets");
            }
            List<TargetSpec> ofSite = new ArrayList<>();
            for (Map.Entry<String, HeartbeatConfig.TargetConfig> target : new TreeMap<>(site.getValue().targets()).entrySet()) {
                ofSite.add(target(site.getKey(), target.getKey(), target.getValue(), config.timeout()));
            }
            if (ofSite.stream().noneMatch(TargetSpec::critical)) {
                throw new IllegalArgumentException(siteKey + ".targets: site '" + site.getKey()
                        + "' has no critical target, so it could never be judged DOWN; mark at least one critical=true");
            }
            specs.addAll(ofSite);
        }
        return List.copyOf(specs);
    }

    static TargetSpec target(String siteId, String name, HeartbeatConfig.TargetConfig config, Duration defaultTimeout) {
        String key = PREFIX + ".sites." + siteId + ".targets." + name;
        if (!ID.matcher(name).matches()) {
            throw new IllegalArgumentException(key + ": '" + name + "' is not a target name (lower-case letters, digits, dashes)");
        }
        Duration timeout = config.timeout().orElse(defaultTimeout);
        checkPositive(key + ".timeout", timeout);
        String url = config.url().trim();
        TargetKind kind = kindOf(url, key + ".url");
        StatusRange status;
        try {
            status = StatusRange.parse(config.expectStatus());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ".expect-status: " + e.getMessage());
        }
        PostgresTls tls = PostgresTls.NONE;
        URI dnsServer = null;
        String dnsName = null;
        switch (kind) {
            case HTTP -> {
                URI uri = uri(url, key + ".url");
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException(key + ".url: '" + url + "' has no host");
                }
                if (uri.getUserInfo() != null) {
                    throw new IllegalArgumentException(key + ".url: credentials in the URL would end up in events and"
                            + " logs; give them as a header of the health page instead");
                }
            }
            case TCP -> {
                URI uri = uri(url, key + ".url");
                if (uri.getHost() == null || uri.getPort() < 1) {
                    throw new IllegalArgumentException(key + ".url: '" + url + "' is not tcp://host:port");
                }
            }
            case POSTGRES -> {
                URI uri = uri(url.substring("jdbc:".length()), key + ".url");
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException(key + ".url: '" + redact(url) + "' is not jdbc:postgresql://host[:port]/database");
                }
                if (config.user().isEmpty() && !url.contains("user=")) {
                    throw new IllegalArgumentException(key + ".user: a PostgreSQL target needs a user");
                }
                tls = PostgresTls.of(key + ".tls.", config.tls());
            }
            case DNS -> {
                URI uri = uri(url, key + ".url");
                String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
                if (uri.getHost() == null || path.isBlank()) {
                    throw new IllegalArgumentException(key + ".url: '" + url + "' is not dns://server[:port]/name");
                }
                dnsServer = URI.create("dns://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 53));
                dnsName = path.endsWith(".") ? path : path + ".";
                for (String address : config.expectAddress().orElse(List.of())) {
                    if (!address.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                        throw new IllegalArgumentException(key + ".expect-address: '" + address + "' is not an IP address");
                    }
                }
            }
        }
        return new TargetSpec(siteId, name, kind, url, redact(url), config.critical(), timeout, status,
                config.expectBody().filter(s -> !s.isEmpty()), config.user(), config.password(), dnsServer, dnsName,
                config.expectAddress().orElse(List.of()), tls);
    }

    /** The URL with any password parameter blanked: what events, logs and reasons show. */
    public static String redact(String url) {
        return SECRET_PARAM.matcher(url).replaceAll("$1***");
    }

    private static TargetKind kindOf(String url, String key) {
        String lower = url.toLowerCase();
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return TargetKind.HTTP;
        }
        if (lower.startsWith("tcp://")) {
            return TargetKind.TCP;
        }
        if (lower.startsWith("jdbc:postgresql://")) {
            return TargetKind.POSTGRES;
        }
        if (lower.startsWith("dns://")) {
            return TargetKind.DNS;
        }
        throw new IllegalArgumentException(key + ": '" + redact(url) + "' is not a target this observer can probe"
                + " (use http://, https://, tcp://host:port, jdbc:postgresql://host:port/db or dns://server:port/name)");
    }

    private static URI uri(String url, String key) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + ": '" + redact(url) + "' is not a URL: " + e.getReason());
        }
    }

    private static void checkPositive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + ": must be positive, was " + value);
        }
    }

    /** For tests and tools that have no config to hand. */
    public static Optional<TargetSpec> find(List<TargetSpec> specs, String siteId, String name) {
        return specs.stream().filter(s -> s.siteId().equals(siteId) && s.name().equals(name)).findFirst();
    }
}
