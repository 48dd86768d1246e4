package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.TwoSiteWorld;
import io.lifeboat.loopback.ZoneSpec;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped manifests boot: every overlay of deploy/k8s, rendered as {@code kubectl kustomize} renders it
 * ({@link Kustomize}), starts each of its Deployments' services with exactly the environment, files and JVM options
 * the Deployment gives the pod, and every one reaches ready. The loopback servers' addresses go in the way a user puts
 * their own in: an overlay of the shipped overlay that merges values into {@code lifeboat-config}; the Secrets the
 * Deployments name are filled with the loopback servers' credentials. What the test replaces is only what a pod has and
 * a test process cannot: the pod's network (the HTTP port and host) and its filesystem (mounts become directories).
 */
class ShippedManifestsBootTest {

    private static final Path K8S = Path.of("k8s").toAbsolutePath().normalize();
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path work;

    private static TwoSiteWorld world;

    @BeforeAll
    static void startServers() {
        // As a managed cluster: no topic is created on first use, so every service must create (or find) its own.
        world = TwoSiteWorld.start(work.resolve("servers"), TwoSiteWorld.DEFAULT_DATABASE, ZoneSpec.defaults(),
                KafkaBroker.NO_AUTO_CREATION);
        Map<String, String> shared = Kustomize.envFile(K8S.resolve("base/common/lifeboat.env"));
        for (String site : TwoSiteWorld.SITES) {
            // The users' buckets exist before Lifeboat is deployed (root README, production checklist).
            world.objectStore(site).createBucket(shared.get("LIFEBOAT_" + site.toUpperCase(Locale.ROOT) + "_S3_BUCKET"));
        }
    }

    @AfterAll
    static void stopServers() {
        if (world != null) {
            world.close();
        }
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceOfTheOverlayReachesReady(String overlay) throws Exception {
        List<ObjectNode> rendered = Kustomize.render(loopbackOverlay(overlay));
        List<ObjectNode> deployments = rendered.stream().filter(o -> "Deployment".equals(o.path("kind").asText())).toList();
        assertThat(deployments).as("Deployments of overlay %s", overlay).isNotEmpty();
        List<ServiceProcess> started = new ArrayList<>();
        try {
            for (ObjectNode deployment : deployments) {
                String name = deployment.path("metadata").path("name").asText();
                PodRecipe pod = PodRecipe.of(rendered, deployment, secrets(), name + "-7d9f8-x2x4q");
                ServiceProcess process = process(overlay, pod, deployment);
                started.add(process);
                process.start();
            }
            for (ServiceProcess process : started) {
                process.awaitReady(Duration.ofSeconds(180));
            }
            // The broker creates no topic on first use: every service made those it uses itself.
            try (Admin admin = world.kafka().admin()) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .contains("lifeboat.events", "lifeboat.alerts", "lifeboat.dlq");
            }
        } finally {
            started.forEach(ServiceProcess::close);
        }
    }

    /**
     * The user's way of saying where things are: an overlay on top of the shipped one, merging the loopback servers'
     * addresses into lifeboat-config (deploy/README.md, "Configure and deploy each place").
     */
    private static Path loopbackOverlay(String overlay) throws IOException {
        Path dir = work.resolve("overlays").resolve(overlay);
        Files.createDirectories(dir);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("KAFKA_BOOTSTRAP_SERVERS", world.kafka().bootstrapServers());
        // One broker here: one copy of each topic a service creates.
        values.put("LIFEBOAT_TOPICS_REPLICATION_FACTOR", "1");
        values.put("LIFEBOAT_TOPICS_MIN_INSYNC_REPLICAS", "1");
        for (String site : TwoSiteWorld.SITES) {
            String prefix = "LIFEBOAT_" + site.toUpperCase(Locale.ROOT) + "_";
            PostgresServer pg = world.postgres(site);
            values.put(prefix + "PG_HOST", pg.host());
            values.put(prefix + "PG_PORT", Integer.toString(pg.port()));
            values.put(prefix + "PG_DATABASE", world.database());
            values.put(prefix + "PG_URL", pg.jdbcUrl(world.database()));
            values.put(prefix + "S3_ENDPOINT", world.objectStore(site).endpoint().toString());
            values.put(prefix + "S3_REGION", world.objectStore(site).region());
        }
        values.put("LIFEBOAT_DNS_HOST", world.dns().host());
        values.put("LIFEBOAT_DNS_PORT", Integer.toString(world.dns().port()));
        values.put("LIFEBOAT_DNS_ZONE", world.dns().zone());
        StringBuilder yaml = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
                .append("resources:\n  - ").append(dir.relativize(K8S.resolve("overlays").resolve(overlay))).append('\n')
                .append("configMapGenerator:\n  - name: lifeboat-config\n    behavior: merge\n    literals:\n");
        values.forEach((key, value) -> yaml.append("      - ").append(key).append('=').append(value).append('\n'));
        Files.writeString(dir.resolve("kustomization.yaml"), yaml);
        return dir;
    }

    /** The Secrets deploy/README.md tells the user to create, with the loopback servers' credentials. */
    private static Map<String, Map<String, String>> secrets() {
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        for (String site : TwoSiteWorld.SITES) {
            PostgresServer pg = world.postgres(site);
            secrets.put("lifeboat-db-" + site, Map.of("username", pg.user(), "password", pg.password()));
            secrets.put("lifeboat-s3-" + site, Map.of("access-key", world.objectStore(site).accessKey(),
                    "secret-key", world.objectStore(site).secretKey()));
        }
        // Home's site warden fences home's database with a role of its own; the test's server has its administrator.
        PostgresServer home = world.postgres(TwoSiteWorld.HOME);
        secrets.put("lifeboat-warden-pg", Map.of("username", home.user(), "password", home.password()));
        secrets.put("lifeboat-dns-tsig", Map.of("name", world.dns().tsigKeyName(), "algorithm", world.dns().tsigAlgorithm(),
                "secret", world.dns().tsigSecret()));
        secrets.put("lifeboat-operator-tokens", Map.of("viewer", "viewer-token-for-the-test",
                "operator", "operator-token-for-the-test"));
        secrets.put("lifeboat-alert-webhooks", Map.of("kind", "generic",
                "url", "http://127.0.0.1:" + FreePorts.next() + "/alerts"));
        return secrets;
    }

    /**
     * The pod as a process: its mounts become directories under the pod's own root (the ConfigMap's files written
     * there, the working directory among them), environment values that name a mounted path name that directory.
     */
    private static ServiceProcess process(String overlay, PodRecipe pod, ObjectNode deployment) throws IOException {
        Path root = work.resolve("pods").resolve(overlay).resolve(pod.deployment());
        Map<String, String> env = new LinkedHashMap<>(pod.env());
        for (Map.Entry<String, Map<String, String>> mount : pod.mounts().entrySet()) {
            Path dir = onDisk(root, mount.getKey());
            Files.createDirectories(dir);
            for (Map.Entry<String, String> file : mount.getValue().entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
        }
        for (String mount : pod.emptyDirs()) {
            Files.createDirectories(onDisk(root, mount));
            env.replaceAll((key, value) -> value.equals(mount) || value.startsWith(mount + "/")
                    ? onDisk(root, mount) + value.substring(mount.length()) : value);
        }
        Path workingDir = onDisk(root, pod.workingDir());
        Files.createDirectories(workingDir);
        List<String> jvm = new ArrayList<>(pod.jvmOptions().stream()
                .filter(option -> !option.startsWith("-Dquarkus.http.host=")).toList());
        // What the container's memory limit tells the JVM (MaxRAMPercentage is a share of it).
        jvm.add("-XX:MaxRAM=" + pod.memoryLimit());
        String image = deployment.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText();
        String module = image.substring(image.lastIndexOf('/') + 1, image.lastIndexOf(':'));
        return new ServiceProcess(overlay + "-" + pod.deployment(), ServiceProcess.jarOf(REPOSITORY, module),
                FreePorts.next(), env, jvm, work.resolve("logs"), workingDir);
    }

    private static Path onDisk(Path root, String podPath) {
        return root.resolve("fs").resolve(podPath.replaceFirst("^/+", ""));
    }
}
