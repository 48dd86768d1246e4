package io.lifeboat.sandbox;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.TwoSiteWorld;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the sandbox runs each Lifeboat service, configured the way Kubernetes would configure it: environment
 * variables only. Kafka lives outside the home site, so the services that must outlive it run at offsite.
 */
final class SandboxServices {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx160m", "-XX:MaxMetaspaceSize=128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1");

    private final TwoSiteWorld world;
    private final Path repository;
    private final Path logDir;
    private final Map<String, SiteStandIn> standIns;

    SandboxServices(TwoSiteWorld world, Path repository, Path logDir, Map<String, SiteStandIn> standIns) {
        this.world = world;
        this.repository = repository;
        this.logDir = logDir;
        this.standIns = standIns;
    }

    List<ServiceProcess> all() {
        return List.of(
                service("heartbeat-service", "heartbeat-observer-a", TwoSiteWorld.OFFSITE, heartbeat("observer-a", "eu-west")),
                service("heartbeat-service", "heartbeat-observer-b", TwoSiteWorld.OFFSITE, heartbeat("observer-b", "us-east")),
                service("replication-service", "replication-service", TwoSiteWorld.OFFSITE, replication()),
                service("filesync-service", "filesync-service", TwoSiteWorld.OFFSITE, filesync()),
                service("failover-service", "failover-service", TwoSiteWorld.OFFSITE, failover()));
    }

    private ServiceProcess service(String module, String name, String site, Map<String, String> specific) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", world.kafka().bootstrapServers());
        env.put("LIFEBOAT_SITE", site);
        env.put("LIFEBOAT_INSTANCE_ID", name);
        env.putAll(specific);
        return new ServiceProcess(name, ServiceProcess.jarOf(repository, module), FreePorts.next(), env, JVM_OPTIONS, logDir);
    }

    private Map<String, String> heartbeat(String observer, String location) {
        return Map.of();
    }

    /** One link, {@code main}: home's demo schema into offsite's, from the start. */
    private Map<String, String> replication() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_REPLICATION_LINKS_MAIN_SCHEMAS", "demo");
        linkEnd(env, "SOURCE", TwoSiteWorld.HOME);
        linkEnd(env, "TARGET", TwoSiteWorld.OFFSITE);
        return env;
    }

    private void linkEnd(Map<String, String> env, String end, String site) {
        PostgresServer pg = world.postgres(site);
        String prefix = "LIFEBOAT_REPLICATION_LINKS_MAIN_" + end + "_";
        env.put(prefix + "SITE", site);
        env.put(prefix + "JDBC_URL", pg.jdbcUrl(world.database()));
        env.put(prefix + "USER", pg.user());
        env.put(prefix + "PASSWORD", pg.password());
    }

    private Map<String, String> filesync() {
        return Map.of();
    }

    private Map<String, String> failover() {
        return Map.of();
    }
}
