package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything the two-site system talks to, on 127.0.0.1: one Kafka broker, PostgreSQL and an object store for each
 * site ({@code home}, {@code offsite}), and a BIND server for the switch. For the local sandbox and for end-to-end
 * tests; closing it stops every server, in reverse order of start.
 */
public final class TwoSiteWorld implements AutoCloseable {

    public static final String HOME = "home";
    public static final String OFFSITE = "offsite";
    public static final List<String> SITES = List.of(HOME, OFFSITE);
    public static final String DEFAULT_DATABASE = "lifeboat";

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@+=,-]*");

    private final Path workDir;
    private final String database;
    private final KafkaBroker kafka;
    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final DnsServer dns;
    private final Map<String, Duration> startupTimes = new LinkedHashMap<>();

    private TwoSiteWorld(Path workDir, String database, ZoneSpec zone, boolean securedKafka,
            Map<String, String> brokerOverrides) {
        this.workDir = workDir.toAbsolutePath();
        this.database = database;
        this.kafka = securedKafka ? KafkaBroker.secured(this.workDir.resolve("kafka"), brokerOverrides)
                : new KafkaBroker(this.workDir.resolve("kafka"), KafkaBroker.DEFAULT_JVM_OPTIONS, brokerOverrides);
        for (String site : SITES) {
            Path siteDir = this.workDir.resolve(site);
            sites.put(site, new Site(site, new PostgresServer(site, siteDir.resolve("postgres")),
                    new ObjectStore(site, siteDir.resolve("s3"))));
        }
        this.dns = new DnsServer(this.workDir.resolve("dns"), zone);
    }

    public static TwoSiteWorld start(Path workDir) {
        return start(workDir, DEFAULT_DATABASE, ZoneSpec.defaults());
    }

    /**
     * Starts every server, in parallel: the broker's JVM dominates start-up, the rest fits in its shadow. If one fails
     * the others are stopped again and the failure is thrown.
     *
     * @param database created on both PostgreSQL servers unless present
     */
    public static TwoSiteWorld start(Path workDir, String database, ZoneSpec zone) {
        return start(workDir, database, zone, false, Map.of());
    }

    /**
     * The same, with the broker secured when {@code securedKafka} ({@link KafkaBroker#secured}: SASL_SSL, SCRAM users,
     * ACLs enforced), as the sandbox runs it.
     */
    public static TwoSiteWorld start(Path workDir, String database, ZoneSpec zone, boolean securedKafka) {
        return start(workDir, database, zone, securedKafka, Map.of());
    }

    /** The same, with broker settings of the caller's (e.g. {@link KafkaBroker#NO_AUTO_CREATION}). */
    public static TwoSiteWorld start(Path workDir, String database, ZoneSpec zone, Map<String, String> brokerOverrides) {
        return start(workDir, database, zone, false, brokerOverrides);
    }

    /** Secured or not, with broker settings of the caller's. */
    public static TwoSiteWorld start(Path workDir, String database, ZoneSpec zone, boolean securedKafka,
            Map<String, String> brokerOverrides) {
        TwoSiteWorld world = new TwoSiteWorld(workDir, database, zone, securedKafka, brokerOverrides);
        Map<String, Runnable> starts = new LinkedHashMap<>();
        starts.put("kafka", () -> world.kafka.start());
        for (Site site : world.sites.values()) {
            starts.put(site.id() + "-postgres", () -> {
                site.postgres().start();
                site.postgres().createDatabase(database);
            });
            starts.put(site.id() + "-s3", () -> site.objectStore().start());
        }
        starts.put("dns", () -> world.dns.start());
        try {
            StartTogether.run(starts, (what, nanos) -> {
                synchronized (world.startupTimes) {
                    world.startupTimes.put(what, Duration.ofNanos(nanos));
                }
            });
        } catch (RuntimeException failure) {
            try {
                world.close();
            } catch (RuntimeException stopFailure) {
                failure.addSuppressed(stopFailure);
            }
            throw failure;
        }
        return world;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public Site site(String id) {
        Site site = sites.get(id);
        if (site == null) {
            throw new IllegalArgumentException("no site '" + id + "'; sites are " + SITES);
        }
        return site;
    }

    public PostgresServer postgres(String site) {
        return site(site).postgres();
    }

    public ObjectStore objectStore(String site) {
        return site(site).objectStore();
    }

    public DnsServer dns() {
        return dns;
    }

    public String database() {
        return database;
    }

    public Path workDir() {
        return workDir;
    }

    /** How long each server took to start, for the sandbox's report. */
    public Map<String, Duration> startupTimes() {
        synchronized (startupTimes) {
            return Map.copyOf(startupTimes);
        }
    }

    /**
     * Every address and credential, as {@code LIFEBOAT_*} names in a stable order: what {@link #writeEndpoints(Path)}
     * writes.
     */
    public Map<String, String> endpoints() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        if (kafka.isSecured()) {
            // The super user, for a person's tools (the console consumer): what each service gets is its own user.
            Map<String, String> admin = kafka.adminSettings();
            env.put("LIFEBOAT_KAFKA_SECURITY_PROTOCOL", admin.get("security.protocol"));
            env.put("LIFEBOAT_KAFKA_SASL_MECHANISM", admin.get("sasl.mechanism"));
            env.put("LIFEBOAT_KAFKA_TRUSTSTORE", admin.get("ssl.truststore.location"));
            env.put("LIFEBOAT_KAFKA_TRUSTSTORE_PASSWORD", admin.get("ssl.truststore.password"));
            env.put("LIFEBOAT_KAFKA_CLIENT_CONFIG", adminClientConfig(admin).toString());
        }
        for (Site site : sites.values()) {
            String prefix = "LIFEBOAT_" + site.id().toUpperCase(Locale.ROOT) + "_";
            PostgresServer pg = site.postgres();
            env.put(prefix + "PG_HOST", pg.host());
            env.put(prefix + "PG_PORT", String.valueOf(pg.port()));
            env.put(prefix + "PG_DATABASE", database);
            env.put(prefix + "PG_URL", pg.jdbcUrl(database));
            env.put(prefix + "PG_USER", pg.user());
            env.put(prefix + "PG_PASSWORD", pg.password());
            ObjectStore s3 = site.objectStore();
            env.put(prefix + "S3_ENDPOINT", s3.endpoint().toString());
            env.put(prefix + "S3_REGION", s3.region());
            env.put(prefix + "S3_ACCESS_KEY", s3.accessKey());
            env.put(prefix + "S3_SECRET_KEY", s3.secretKey());
        }
        env.put("LIFEBOAT_DNS_HOST", dns.host());
        env.put("LIFEBOAT_DNS_PORT", String.valueOf(dns.port()));
        env.put("LIFEBOAT_DNS_ZONE", dns.zone());
        env.put("LIFEBOAT_DNS_TSIG_KEY_NAME", dns.tsigKeyName());
        env.put("LIFEBOAT_DNS_TSIG_ALGORITHM", dns.tsigAlgorithm());
        env.put("LIFEBOAT_DNS_TSIG_SECRET", dns.tsigSecret());
        return env;
    }

    /** The admin's client settings as a properties file, owner-only: {@code --command-config} of Kafka's tools. */
    private Path adminClientConfig(Map<String, String> admin) {
        Path file = workDir.resolve("kafka").resolve("admin-client.properties");
        java.util.Properties properties = new java.util.Properties();
        properties.putAll(admin);
        properties.remove("bootstrap.servers");
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (var out = Files.newOutputStream(file)) {
                properties.store(out, "the loopback broker's super user, for Kafka's command-line tools");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    /**
     * Writes {@link #endpoints()} as plain {@code KEY=VALUE} lines, readable by {@code . file} in a shell and by
     * {@link java.util.Properties}; owner-only, as it holds passwords. Values are generated so that none needs quoting.
     */
    public void writeEndpoints(Path file) {
        writeEndpoints(file, Map.of());
    }

    /** The same, with further entries of the caller's (the sandbox adds its portal and service addresses). */
    public void writeEndpoints(Path file, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(endpoints());
        all.putAll(extra);
        String content = all.entrySet().stream()
                .map(e -> {
                    if (!SHELL_SAFE.matcher(e.getValue()).matches()) {
                        throw new IllegalStateException(e.getKey() + " has a value that would need quoting");
                    }
                    return e.getKey() + "=" + e.getValue();
                })
                .collect(Collectors.joining("\n", "# Lifeboat loopback servers; source this file in a shell.\n", "\n"));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, ".endpoints", ".tmp");
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Stops every server, DNS first and Kafka last; a failure to stop one does not keep the others running. */
    @Override
    public void close() {
        List<AutoCloseable> reverse = new ArrayList<>();
        reverse.add(dns);
        List<Site> siteList = new ArrayList<>(sites.values());
        Collections.reverse(siteList);
        for (Site site : siteList) {
            reverse.add(site.objectStore());
            reverse.add(site.postgres());
        }
        reverse.add(kafka);
        RuntimeException failure = null;
        for (AutoCloseable server : reverse) {
            try {
                server.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("not every loopback server stopped cleanly");
                }
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
