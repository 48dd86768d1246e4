package io.lifeboat.sandbox;

import io.lifeboat.loopback.AlertmanagerServer;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.PrometheusServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.TwoSiteWorld;
import io.lifeboat.loopback.ZoneSpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The whole two-site world on loopback, for a newcomer to watch and poke: Kafka, PostgreSQL and an object store at
 * each site, the DNS server, a stand-in for the SaaS at each site, and every Lifeboat service wired to them.
 * Ctrl-C stops everything.
 */
public final class Sandbox implements AutoCloseable {

    static final String PORTAL = "portal";
    static final Map<String, String> SITE_ADDRESSES = Map.of(TwoSiteWorld.HOME, "127.0.0.11", TwoSiteWorld.OFFSITE, "127.0.0.12");

    private final Path workDir;
    private final Path repository;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, SiteStandIn> standIns = new LinkedHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Map<String, SandboxRoles.Logins> logins = new LinkedHashMap<>();
    private TwoSiteWorld world;
    private DemoWriter writer;
    private SandboxControl control;
    private PrometheusServer prometheus;
    private AlertmanagerServer alertmanager;
    private final Map<String, Map<String, String>> overrides;
    private final SandboxCut cut = new SandboxCut();

    Sandbox(Path workDir, Path repository) {
        this(workDir, repository, Map.of());
    }

    /** @param overrides per service name, environment variables that replace the sandbox's own */
    Sandbox(Path workDir, Path repository, Map<String, Map<String, String>> overrides) {
        this.workDir = workDir.toAbsolutePath();
        this.repository = repository.toAbsolutePath();
        this.overrides = Map.copyOf(overrides);
    }

    public static void main(String[] args) throws Exception {
        Path workDir = Path.of(option(args, "--work-dir", ".sandbox"));
        Sandbox sandbox = new Sandbox(workDir, Path.of(option(args, "--repository", ".")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nlifeboat sandbox: stopping everything ...");
            sandbox.close();
            System.out.println("lifeboat sandbox: stopped.");
            stopped.countDown();
        }, "sandbox-stop"));
        try {
            sandbox.start();
        } catch (Exception e) {
            System.err.println("lifeboat sandbox: could not start: " + e.getMessage());
            System.exit(1);
        }
        sandbox.report();
        sandbox.watch(stopped);
    }

    void start() throws Exception {
        Files.createDirectories(workDir);
        say("starting Kafka, PostgreSQL (home, offsite), object stores (home, offsite) and DNS in " + workDir);
        world = TwoSiteWorld.start(workDir, DemoSchema.DATABASE,
                new ZoneSpec(ZoneSpec.DEFAULT_ZONE, Map.of(PORTAL, SITE_ADDRESSES.get(TwoSiteWorld.HOME)), 5), true);
        running.add(world);
        SandboxKafka kafka = new SandboxKafka(world.kafka());
        kafka.createSharedTopics();

        for (String site : TwoSiteWorld.SITES) {
            PostgresServer pg = world.postgres(site);
            logins.put(site, SandboxRoles.create(pg, DemoSchema.DATABASE));
            DemoSchema.create(pg.jdbcUrl(DemoSchema.DATABASE), pg.user(), pg.password(), site.equals(TwoSiteWorld.HOME));
            SandboxRoles.grant(pg, DemoSchema.DATABASE);
            ObjectStore store = world.objectStore(site);
            store.createBucket(DemoWriter.BUCKET);
            // As MinIO with `mc event add ... arn:minio:sqs::...:kafka`: every object written or removed is announced.
            store.notifyTo(kafka.storeUser(site), notificationTopic(site)).stop();
            store.start();
        }

        int standInPort = FreePorts.next();
        for (String site : TwoSiteWorld.SITES) {
            SiteStandIn standIn = new SiteStandIn(site, SITE_ADDRESSES.get(site), standInPort);
            standIn.start();
            standIns.put(site, standIn);
            running.add(standIn);
        }

        Map<String, DemoWriter.SiteAccess> access = new LinkedHashMap<>();
        for (String site : TwoSiteWorld.SITES) {
            PostgresServer pg = world.postgres(site);
            // The SaaS logs in as its own role, the one FENCE locks out; never as Lifeboat's or the superuser.
            access.put(site, new DemoWriter.SiteAccess(site, pg.jdbcUrl(DemoSchema.DATABASE), SandboxRoles.APP,
                    logins.get(site).appPassword(), s3Client(world.objectStore(site))));
        }
        writer = new DemoWriter(this::activeSite, access, new CommitLedger(workDir.resolve("demo-writer/committed.log")));
        writer.start();
        running.add(writer);

        control = new SandboxControl(FreePorts.next(),
                Map.of("lose", (site, query) -> query.containsKey("cut") ? cutOff(site) : lose(site, query.containsKey("crash")),
                        "restore", (site, query) -> restore(site)),
                writer.ledger());
        running.add(control);

        // Alertmanager before the services: heartbeat's alert relay delivers every alert of lifeboat.alerts to it.
        alertmanager = new AlertmanagerServer(workDir.resolve("monitoring").resolve("alertmanager"));
        running.add(alertmanager);
        alertmanager.start();
        say("starting the Lifeboat services ...");
        SandboxServices.ApiTokens tokens = SandboxServices.ApiTokens.generate();
        SandboxServices wiring = new SandboxServices(world, kafka, repository, workDir.resolve("logs"), standIns, tokens,
                overrides, logins, alertmanager.url());
        running.add(cut);
        for (ServiceProcess service : wiring.all()) {
            service.start();
            cut.adopt(service, wiring.siteOf(service));
            services.add(service);
            running.add(service);
        }
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
            say(service.name() + " ready at " + service.url());
        }
        startMonitoring(wiring);
        Map<String, String> extra = new LinkedHashMap<>();
        standIns.forEach((site, standIn) -> extra.put("LIFEBOAT_" + site.toUpperCase(Locale.ROOT) + "_PORTAL_URL", standIn.url()));
        extra.put("LIFEBOAT_PORTAL_NAME", PORTAL + "." + world.dns().zone());
        for (ServiceProcess service : services) {
            extra.put("LIFEBOAT_SERVICE_" + service.name().toUpperCase(Locale.ROOT).replace('-', '_') + "_URL", service.url());
        }
        logins.forEach((site, login) -> {
            String prefix = "LIFEBOAT_" + site.toUpperCase(Locale.ROOT) + "_PG_";
            extra.put(prefix + "APP_USER", SandboxRoles.APP);
            extra.put(prefix + "APP_PASSWORD", login.appPassword());
            extra.put(prefix + "LIFEBOAT_USER", SandboxRoles.LIFEBOAT);
            extra.put(prefix + "LIFEBOAT_PASSWORD", login.lifeboatPassword());
        });
        extra.put("LIFEBOAT_SANDBOX_CONTROL_URL", control.url());
        extra.put("LIFEBOAT_PROMETHEUS_URL", prometheus.url());
        extra.put("LIFEBOAT_ALERTMANAGER_URL", alertmanager.url());
        extra.put("LIFEBOAT_FAILOVER_URL", extra.get("LIFEBOAT_SERVICE_FAILOVER_SERVICE_URL"));
        extra.put("LIFEBOAT_API_TOKEN", tokens.operator());
        extra.put("LIFEBOAT_API_VIEWER_TOKEN", tokens.viewer());
        extra.put("LIFEBOAT_SANDBOX_WRITER_COMMITTED_URL", control.url() + "/writer/committed");
        extra.put("LIFEBOAT_SANDBOX_WRITER_COMMITTED_FILE", writer.ledger().file().toString());
        world.writeEndpoints(endpointsFile(), extra);
    }

    /**
     * Prometheus scraping every service with the shipped alert rules (the PrometheusRule's groups), every second so
     * that alerts fire within seconds, and Alertmanager (started before the services) as its alerting target.
     */
    private void startMonitoring(SandboxServices wiring) {
        long began = System.nanoTime();
        Path monitoring = workDir.resolve("monitoring");
        Path rules = MonitoringFiles.writeRules(repository, monitoring.resolve(MonitoringFiles.RULES_FILE));
        prometheus = new PrometheusServer(monitoring.resolve("prometheus"), wiring.scrapeJobs(services), "/q/metrics",
                rules, alertmanager.hostPort(), Duration.ofSeconds(1));
        running.add(prometheus);
        prometheus.start();
        say("Prometheus and Alertmanager ready in " + (System.nanoTime() - began) / 1_000_000 + " ms");
    }

    DemoWriter writer() {
        return writer;
    }

    TwoSiteWorld world() {
        return world;
    }

    /** Where a site's object store announces its objects: filesync's notification path. */
    static String notificationTopic(String site) {
        return "lifeboat.bucket-events." + site;
    }

    /** For a failed test's report: the last lines of every service's log. */
    String logTails(int lines) {
        StringBuilder tails = new StringBuilder();
        for (ServiceProcess service : services) {
            tails.append("--- ").append(service.name()).append(":\n").append(service.tail(lines)).append('\n');
        }
        return tails.toString();
    }

    Path endpointsFile() {
        return workDir.resolve("endpoints.env");
    }

    /** The site DNS sends users to now: what the SaaS's clients would reach. */
    Optional<String> activeSite() {
        try {
            List<String> addresses = world.dns().addresses(PORTAL);
            return SITE_ADDRESSES.entrySet().stream().filter(e -> addresses.contains(e.getValue()))
                    .map(Map.Entry::getKey).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String lose(String site) {
        return lose(site, false);
    }

    /**
     * @param crash a power cut instead of an orderly stop: PostgreSQL (postmaster and every backend) and the object
     *              store get SIGKILL, so PostgreSQL finishes no write in flight and must recover from its WAL on
     *              restore. The portal stand-in lives in this JVM and cannot be killed apart: it closes its listener
     *              and drops its connections at once, which is what its clients see of a power cut.
     */
    String lose(String site, boolean crash) {
        requireSite(site);
        if (crash) {
            world.postgres(site).kill();
            world.objectStore(site).kill();
            standIns.get(site).stop();
            say("site " + site + " CRASHED: PostgreSQL and object store killed (SIGKILL), portal endpoint gone");
            return "site " + site + " crashed: PostgreSQL and object store killed with SIGKILL, portal endpoint gone\n";
        }
        standIns.get(site).stop();
        world.postgres(site).stop();
        world.objectStore(site).stop();
        say("site " + site + " LOST: its portal endpoint, PostgreSQL and object store are stopped");
        return "site " + site + " lost: portal endpoint, PostgreSQL and object store stopped\n";
    }

    /** A partition: home cut off from everything outside it, everything at home still running ({@link SandboxCut}). */
    String cutOff(String site) {
        requireSite(site);
        if (!TwoSiteWorld.HOME.equals(site)) {
            throw new IllegalArgumentException("--cut is for home: the Lifeboat services and Kafka run outside it");
        }
        String done = cut.cutHome(world, standIns.get(site));
        say("site home CUT OFF: unreachable from outside, its warden cut from Kafka, everything at home running");
        return done;
    }

    /**
     * Starts what was lost; a crashed PostgreSQL replays its WAL first (crash recovery), as after a power cut. A cut
     * is healed.
     */
    String restore(String site) {
        requireSite(site);
        if (TwoSiteWorld.HOME.equals(site) && cut.isCut()) {
            cut.heal();
            say("site home RECONNECTED: the cut is healed");
            return "site home reconnected\n";
        }
        world.postgres(site).start();
        world.objectStore(site).start();
        try {
            standIns.get(site).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not restart the portal endpoint of " + site + ": " + e.getMessage(), e);
        }
        say("site " + site + " RESTORED: its portal endpoint, PostgreSQL and object store run again");
        return "site " + site + " restored\n";
    }

    private void requireSite(String site) {
        if (!standIns.containsKey(site)) {
            throw new IllegalArgumentException("no site '" + site + "'; sites are " + standIns.keySet());
        }
    }

    void report() {
        StringBuilder table = new StringBuilder("\n  Lifeboat sandbox: what runs where\n");
        row(table, "Kafka bootstrap", world.kafka().bootstrapServers());
        row(table, "Kafka security", "SASL_SSL, SCRAM-SHA-512, ACLs enforced; each service its own user; admin's"
                + " settings: " + world.endpoints().get("LIFEBOAT_KAFKA_CLIENT_CONFIG"));
        for (String site : TwoSiteWorld.SITES) {
            PostgresServer pg = world.postgres(site);
            row(table, site + " PostgreSQL", pg.jdbcUrl(DemoSchema.DATABASE) + "  (application " + SandboxRoles.APP
                    + ", Lifeboat " + SandboxRoles.LIFEBOAT + ", administrator " + pg.user() + ")");
            row(table, site + " object store", world.objectStore(site).endpoint() + "  (bucket " + DemoWriter.BUCKET + ")");
            row(table, site + " portal", standIns.get(site).url() + "/health");
        }
        row(table, "DNS", world.dns().host() + ":" + world.dns().port() + "  zone " + world.dns().zone()
                + ", " + PORTAL + " → " + activeSite().orElse("?"));
        for (ServiceProcess service : services) {
            row(table, service.name(), service.url() + "  (log " + workDir.relativize(service.log()) + ")");
        }
        row(table, "Prometheus", prometheus.url() + "  (rules: " + MonitoringFiles.PROMETHEUS_RULE + ")");
        row(table, "Alertmanager", alertmanager.url());
        row(table, "endpoints file", endpointsFile().toString());
        table.append("\n  Try:  . ").append(endpointsFile()).append("\n")
                .append("        PGPASSWORD=$LIFEBOAT_OFFSITE_PG_APP_PASSWORD psql -h $LIFEBOAT_OFFSITE_PG_HOST -p $LIFEBOAT_OFFSITE_PG_PORT -U $LIFEBOAT_OFFSITE_PG_APP_USER portal -c 'select count(*) from demo.measurements'\n")
                .append("        dig @$LIFEBOAT_DNS_HOST -p $LIFEBOAT_DNS_PORT portal.$LIFEBOAT_DNS_ZONE A +short\n")
                .append("        ./lifeboat lose home [--crash | --cut]    /    ./lifeboat restore home\n")
                .append("  Ctrl-C stops everything.\n");
        System.out.println(table);
    }

    private static void row(StringBuilder table, String what, String where) {
        table.append(String.format("  %-26s %s%n", what, where));
    }

    private void watch(CountDownLatch stopped) throws InterruptedException {
        while (!stopped.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            say(String.format("portal at %s; demo writer: %d rows, %d export files, %d failed writes",
                    activeSite().orElse("(no answer from DNS)"), writer.rows(), writer.files(), writer.failures()));
        }
    }

    private static S3Client s3Client(ObjectStore store) {
        return S3Client.builder()
                .endpointOverride(store.endpoint())
                .region(Region.of(store.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static void say(String line) {
        System.out.println("lifeboat sandbox: " + line);
    }

    /** Services first, then the writer and stand-ins, the servers last: nothing is left running. */
    @Override
    public synchronized void close() {
        List<AutoCloseable> reverse = new ArrayList<>(running);
        java.util.Collections.reverse(reverse);
        for (AutoCloseable closeable : reverse) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("lifeboat sandbox: while stopping: " + e.getMessage());
            }
        }
        running.clear();
    }
}
