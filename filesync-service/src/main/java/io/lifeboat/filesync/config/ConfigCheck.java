package io.lifeboat.filesync.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The checks a typed mapping cannot express. Every problem names the key (and its environment form), never a value:
 * the values include secrets.
 */
public final class ConfigCheck {

    private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final long MIN_PART = 5L * 1024 * 1024;

    private ConfigCheck() {
    }

    /** Every problem found, each naming its key; empty when the configuration can be run. */
    public static List<String> problems(FilesyncConfig config) {
        List<String> problems = new ArrayList<>();
        Map<String, FilesyncConfig.SiteBucketConfig> sites = config.sites();
        if (sites.size() < 2) {
            problems.add("lifeboat.filesync.sites: at least two sites are needed, found " + sites.keySet());
        }
        sites.forEach((site, bucket) -> {
            String prefix = "lifeboat.filesync.sites." + site + ".";
            if (!SITE_ID.matcher(site).matches()) {
                problems.add(prefix + "*: '" + site + "' is not a site id (lower case, digits, dashes)");
            }
            String endpoint = bucket.endpoint().filter(s -> !s.isBlank()).orElse(null);
            if (endpoint == null) {
                problems.add(missing(prefix + "endpoint", site, "ENDPOINT"));
            } else {
                try {
                    URI uri = URI.create(endpoint);
                    if (uri.getScheme() == null || uri.getHost() == null
                            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                        problems.add(prefix + "endpoint: not an http(s) URL with a host");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(prefix + "endpoint: not a URL");
                }
            }
            if (bucket.accessKey().filter(s -> !s.isBlank()).isEmpty()) {
                problems.add(missing(prefix + "access-key", site, "ACCESS_KEY"));
            }
            if (bucket.secretKey().filter(s -> !s.isBlank()).isEmpty()) {
                problems.add(missing(prefix + "secret-key", site, "SECRET_KEY"));
            }
            bucket.caFile().ifPresent(ca -> {
                if (!java.nio.file.Files.isReadable(ca)) {
                    problems.add(prefix + "ca-file: " + ca + " is not a readable file");
                }
            });
            String name = bucket.bucket().filter(s -> !s.isBlank()).orElse(null);
            if (name == null) {
                problems.add(missing(prefix + "bucket", site, "BUCKET"));
            } else if (!BUCKET.matcher(name).matches()) {
                problems.add(prefix + "bucket: '" + name + "' is not an S3 bucket name");
            }
            if (bucket.arrivals() == FilesyncConfig.ArrivalSource.NOTIFICATIONS
                    && bucket.notificationTopic().filter(s -> !s.isBlank()).isEmpty()) {
                problems.add(prefix + "notification-topic: required when " + prefix + "arrivals=notifications");
            }
        });
        FilesyncConfig.Mirror mirror = config.mirror();
        if (mirror.partSize().asLongValue() < MIN_PART) {
            problems.add("lifeboat.filesync.mirror.part-size: S3 parts must be at least 5M");
        }
        if (mirror.multipartThreshold().asLongValue() < mirror.partSize().asLongValue()) {
            problems.add("lifeboat.filesync.mirror.multipart-threshold: must not be below mirror.part-size");
        }
        if (mirror.spoolSize().asLongValue() > 0 && !writableDirectory(mirror.spoolDir())) {
            problems.add("lifeboat.filesync.mirror.spool-dir: " + mirror.spoolDir() + " is not a writable directory "
                    + "(or set lifeboat.filesync.mirror.spool-size=0 to copy without a spool)");
        }
        if (mirror.maxAttempts() < 1) {
            problems.add("lifeboat.filesync.mirror.max-attempts: must be at least 1");
        }
        if (mirror.conflictPrefix().isBlank() || !mirror.conflictPrefix().endsWith("/")) {
            problems.add("lifeboat.filesync.mirror.conflict-prefix: must be a non-empty prefix ending in '/'");
        }
        if (config.reconcile().parallelism() < 1) {
            problems.add("lifeboat.filesync.reconcile.parallelism: must be at least 1");
        }
        if (config.lag().interval().isZero() || config.lag().interval().toMillis() > 1000) {
            problems.add("lifeboat.filesync.lag.interval: must be between 1 ms and 1 s (dashboards expect one a second)");
        }
        return problems;
    }

    private static boolean writableDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.delete(Files.createTempFile(directory, "lifeboat-spool-check-", ".tmp"));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String missing(String key, String site, String suffix) {
        return key + ": missing (set it, or the environment variable LIFEBOAT_" + site.toUpperCase(Locale.ROOT)
                .replace('-', '_') + "_S3_" + suffix + ")";
    }
}
