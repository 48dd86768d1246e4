package io.lifeboat.sandbox;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.TwoSiteWorld;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the sandbox runs each Lifeboat service, configured the way Kubernetes would configure it: environment
 * variables only. Kafka lives outside the home site, so the services that must outlive it run at offsite.
 */
final class SandboxServices {

    /** As in the pods (deploy/k8s, JAVA_OPTS_APPEND), with the heap the pod's 256Mi limit gives each service. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xss512k", "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=32m", "-XX:TrimNativeHeapInterval=5000",
            "-Djdk.nio.maxCachedBufferSize=262144");
    private static final Map<String, List<String>> HEAP_AND_COMPILER = Map.of(
            "replication-service", List.of("-Xmx96m", "-Xmn56m", "-XX:SurvivorRatio=3", "-XX:TargetSurvivorRatio=80",
                    "-XX:TieredStopAtLevel=1", "-XX:MetaspaceSize=96m"),
            "heartbeat-service", List.of("-Xmx96m", "-XX:TieredStopAtLevel=1"),
            "failover-service", List.of("-Xmx96m", "-XX:TieredStopAtLevel=1"),
            // C2 stays: SHA-256 of every copied file runs several times slower without it.
            "filesync-service", List.of("-Xmx64m"));

    private final TwoSiteWorld world;
    private final SandboxKafka kafka;
    private final Path repository;
    private final Path logDir;
    private final Map<String, SiteStandIn> standIns;
    private final ApiTokens tokens;
    private final Map<String, Map<String, String>> overrides;
    /** Service (instance) name → its module, the Prometheus job. */
    private final Map<String, String> modules = new LinkedHashMap<>();
    /** Service (instance) name → the site it runs at. */
    private final Map<String, String> sites = new LinkedHashMap<>();
    private final Map<String, SandboxRoles.Logins> logins;
    private final String alertmanagerUrl;

    /** The operator API's bearer tokens for this sandbox: made up at start, written to the endpoints file. */
    record ApiTokens(String viewer, String operator) {
        static ApiTokens generate() {
            java.security.SecureRandom random = new java.security.SecureRandom();
            return new ApiTokens(token(random), token(random));
        }

        private static String token(java.security.SecureRandom random) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            return java.util.HexFormat.of().formatHex(bytes);
        }
    }

    /** @param overrides per service name, environment variables that replace the sandbox's own (e.g. a benchmark's) */
    SandboxServices(TwoSiteWorld world, SandboxKafka kafka, Path repository, Path logDir,
            Map<String, SiteStandIn> standIns, ApiTokens tokens, Map<String, Map<String, String>> overrides,
            Map<String, SandboxRoles.Logins> logins, String alertmanagerUrl) {
        this.alertmanagerUrl = alertmanagerUrl;
        this.overrides = Map.copyOf(overrides);
        this.logins = Map.copyOf(logins);
        this.world = world;
        this.kafka = kafka;
        this.repository = repository;
        this.logDir = logDir;
        this.standIns = standIns;
        this.tokens = tokens;
    }

    List<ServiceProcess> all() {
        return List.of(
                service("heartbeat-service", "heartbeat-observer-a", TwoSiteWorld.OFFSITE, heartbeat("observer-a", "eu-west")),
                service("heartbeat-service", "heartbeat-observer-b", TwoSiteWorld.OFFSITE, heartbeat("observer-b", "us-east")),
                service("heartbeat-service", "heartbeat-home", TwoSiteWorld.HOME, homeWarden()),
                service("replication-service", "replication-service", TwoSiteWorld.OFFSITE, replication()),
                service("filesync-service", "filesync-service", TwoSiteWorld.OFFSITE, filesync()),
                service("failover-service", "failover-service", TwoSiteWorld.OFFSITE, failover()));
    }

    /** Prometheus' scrape jobs: one per service (module), its instances' host:port, as the PodMonitors name them. */
    Map<String, List<String>> scrapeJobs(List<ServiceProcess> running) {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (ServiceProcess service : running) {
            jobs.computeIfAbsent(modules.get(service.name()), m -> new java.util.ArrayList<>())
                    .add("127.0.0.1:" + service.port());
        }
        return jobs;
    }

    /** The site a service runs at. */
    String siteOf(ServiceProcess service) {
        return sites.get(service.name());
    }

    private ServiceProcess service(String module, String name, String site, Map<String, String> specific) {
        modules.put(name, module);
        sites.put(name, site);
        Map<String, String> env = new LinkedHashMap<>();
        // Its own user, password and the cluster's CA: KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
        // KAFKA_SSL_TRUSTSTORE_*, as a Strimzi user's Secret and the cluster CA give a pod.
        env.putAll(kafka.serviceEnvironment(module));
        env.put("LIFEBOAT_SITE", site);
        env.put("LIFEBOAT_INSTANCE_ID", name);
        env.putAll(specific);
        // The services' APIs take the same tokens (the Secret lifeboat-operator-tokens on Kubernetes).
        if (!module.equals("heartbeat-service")) { // an observer's API has no actions, so no token goes there
            env.put("LIFEBOAT_API_VIEWER_TOKENS", tokens.viewer());
            env.put("LIFEBOAT_API_OPERATOR_TOKENS", tokens.operator());
        }
        if (module.equals("heartbeat-service")) {
            // Every instance configures the same receivers; their relays share one group, so each alert goes once.
            env.put("LIFEBOAT_HEARTBEAT_ALERTS_RECEIVERS_ALERTMANAGER_KIND", "alertmanager");
            env.put("LIFEBOAT_HEARTBEAT_ALERTS_RECEIVERS_ALERTMANAGER_URL", alertmanagerUrl);
        }
        env.put("MALLOC_ARENA_MAX", "2");
        env.putAll(overrides.getOrDefault(name, Map.of()));
        List<String> jvm = new java.util.ArrayList<>(HEAP_AND_COMPILER.get(module));
        jvm.addAll(JVM_OPTIONS);
        return new ServiceProcess(name, ServiceProcess.jarOf(repository, module), FreePorts.next(), env, jvm, logDir);
    }

    /**
     * An observer at a vantage point of its own, probing both sites: the portal's health page (critical), the database
     * and the DNS name (both only able to make a site DEGRADED, never DOWN on their own).
     */
    private Map<String, String> heartbeat(String observer, String location) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_HEARTBEAT_LOCATION", location);
        env.put("LIFEBOAT_HEARTBEAT_OBSERVER_ID", observer);
        for (String site : TwoSiteWorld.SITES) {
            String prefix = "LIFEBOAT_HEARTBEAT_SITES_" + site.toUpperCase(Locale.ROOT) + "_TARGETS_";
            PostgresServer pg = world.postgres(site);
            env.put(prefix + "WEB_URL", standIns.get(site).url() + "/health");
            env.put(prefix + "DB_URL", pg.jdbcUrl(world.database()));
            env.put(prefix + "DB_USER", SandboxRoles.PROBE);
            env.put(prefix + "DB_PASSWORD", logins.get(site).probePassword());
            env.put(prefix + "DB_CRITICAL", "false");
            env.put(prefix + "DNS_URL", "dns://" + world.dns().host() + ":" + world.dns().port() + "/portal." + world.dns().zone());
            env.put(prefix + "DNS_CRITICAL", "false");
        }
        return env;
    }

    /**
     * Home's own heartbeat-service, as the home overlay runs it: it watches offsite from home (is the DR site
     * reachable from production?) and is home's site warden, fencing home's database as Lifeboat's role when it
     * cannot renew home's lease through Kafka.
     */
    private Map<String, String> homeWarden() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_HEARTBEAT_LOCATION", TwoSiteWorld.HOME);
        env.put("LIFEBOAT_HEARTBEAT_OBSERVER_ID", "observer-home");
        String prefix = "LIFEBOAT_HEARTBEAT_SITES_OFFSITE_TARGETS_";
        PostgresServer offsite = world.postgres(TwoSiteWorld.OFFSITE);
        env.put(prefix + "WEB_URL", standIns.get(TwoSiteWorld.OFFSITE).url() + "/health");
        env.put(prefix + "DB_URL", offsite.jdbcUrl(world.database()));
        env.put(prefix + "DB_USER", SandboxRoles.PROBE);
        env.put(prefix + "DB_PASSWORD", logins.get(TwoSiteWorld.OFFSITE).probePassword());
        env.put(prefix + "DB_CRITICAL", "false");
        env.put("LIFEBOAT_WARDEN_ENABLED", "true");
        env.put("LIFEBOAT_WARDEN_APPLICATION_ROLES", SandboxRoles.APP);
        env.put("LIFEBOAT_WARDEN_DATABASES_PORTAL_URL", world.postgres(TwoSiteWorld.HOME).jdbcUrl(world.database()));
        env.put("LIFEBOAT_WARDEN_DATABASES_PORTAL_USER", SandboxRoles.LIFEBOAT);
        env.put("LIFEBOAT_WARDEN_DATABASES_PORTAL_PASSWORD", logins.get(TwoSiteWorld.HOME).lifeboatPassword());
        return env;
    }

    /** One link, {@code main}: home's demo schema into offsite's, from the start. */
    private Map<String, String> replication() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_REPLICATION_LINKS_MAIN_SCHEMAS", "demo");
        for (String site : TwoSiteWorld.SITES) {
            // What FENCE locks out at each site: the SaaS's own role.
            env.put("LIFEBOAT_REPLICATION_SITES_" + site.toUpperCase(Locale.ROOT) + "_APPLICATION_ROLES", SandboxRoles.APP);
        }
        linkEnd(env, "SOURCE", TwoSiteWorld.HOME);
        linkEnd(env, "TARGET", TwoSiteWorld.OFFSITE);
        return env;
    }

    private void linkEnd(Map<String, String> env, String end, String site) {
        PostgresServer pg = world.postgres(site);
        String prefix = "LIFEBOAT_REPLICATION_LINKS_MAIN_" + end + "_";
        env.put(prefix + "SITE", site);
        env.put(prefix + "JDBC_URL", pg.jdbcUrl(world.database()));
        env.put(prefix + "USER", SandboxRoles.LIFEBOAT);
        env.put(prefix + "PASSWORD", logins.get(site).lifeboatPassword());
    }

    /**
     * Bucket {@code exports} mirrored both ways; arrivals seen through each store's bucket notifications, which the
     * sandbox's stores publish to Kafka as MinIO does ({@link Sandbox#notificationTopic(String)}).
     */
    private Map<String, String> filesync() {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> endpoints = world.endpoints();
        for (String site : TwoSiteWorld.SITES) {
            String prefix = "LIFEBOAT_" + site.toUpperCase(Locale.ROOT) + "_S3_";
            for (String key : List.of("ENDPOINT", "REGION", "ACCESS_KEY", "SECRET_KEY")) {
                env.put(prefix + key, endpoints.get(prefix + key));
            }
            env.put(prefix + "BUCKET", DemoWriter.BUCKET);
            env.put(prefix + "NOTIFICATION_TOPIC", Sandbox.notificationTopic(site));
        }
        return env;
    }

    /**
     * Home is where the service belongs; the portal's A record moves between the sites' addresses on the DNS server
     * (with its TSIG key: the same names the endpoints file and the Kubernetes secret use).
     */
    private Map<String, String> failover() {
        Map<String, String> env = new LinkedHashMap<>();
        world.endpoints().forEach((key, value) -> {
            if (key.startsWith("LIFEBOAT_DNS_")) {
                env.put(key, value);
            }
        });
        env.put("LIFEBOAT_DNS_RECORDS", Sandbox.PORTAL);
        env.put("LIFEBOAT_FAILOVER_HOME_SITE", TwoSiteWorld.HOME);
        Sandbox.SITE_ADDRESSES.forEach((site, address) ->
                env.put("LIFEBOAT_FAILOVER_SITES_" + site.toUpperCase(Locale.ROOT) + "_ADDRESSES", address));
        env.put("LIFEBOAT_FAILOVER_DATABASE_LINKS", "main");
        // "files": every files link; filesync reconciles both directions before the failback switches over.
        env.put("LIFEBOAT_FAILOVER_FILE_LINKS", "files");
        return env;
    }
}
