package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.deploy.ManifestDocs.Doc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.lifeboat.deploy.ManifestChecks.bytes;
import static io.lifeboat.deploy.ManifestChecks.check;
import static io.lifeboat.deploy.ManifestChecks.hasHttpPort;
import static io.lifeboat.deploy.ManifestChecks.probe;
import static io.lifeboat.deploy.ManifestChecks.subset;
import static io.lifeboat.deploy.ManifestDocs.K8S;
import static io.lifeboat.deploy.ManifestDocs.YAML;
import static io.lifeboat.deploy.ManifestDocs.containers;
import static io.lifeboat.deploy.ManifestDocs.deployments;
import static io.lifeboat.deploy.ManifestDocs.generatorFiles;
import static io.lifeboat.deploy.ManifestDocs.generatorSources;
import static io.lifeboat.deploy.ManifestDocs.has;
import static io.lifeboat.deploy.ManifestDocs.isKustomization;
import static io.lifeboat.deploy.ManifestDocs.load;
import static io.lifeboat.deploy.ManifestDocs.overlayChain;
import static io.lifeboat.deploy.ManifestDocs.overlayConfig;
import static io.lifeboat.deploy.ManifestDocs.texts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariants of the Kubernetes manifests under {@code deploy/k8s}, read as plain YAML (no kubectl or kustomize
 * needed). Each test collects every violation and fails listing them all, naming the file.
 */
class ManifestsTest {

    private static final Path README = Path.of("README.md");
    private static final long MAX_MEMORY_LIMIT = 256L * 1024 * 1024;
    /** Pods allowed a higher limit than {@link #MAX_MEMORY_LIMIT}: none since filesync-service fits in 256Mi. */
    private static final Map<String, Long> MEMORY_LIMIT_EXCEPTIONS = Map.of();
    private static final Pattern SENSITIVE = Pattern.compile("PASSWORD|SECRET|TOKEN|ACCESS_KEY|CREDENTIAL", Pattern.CASE_INSENSITIVE);
    private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Every object of every YAML file under k8s, kustomizations included, with the file it came from. */
    private static final List<Doc> DOCS = new ArrayList<>();

    @BeforeAll
    static void readAll() throws IOException {
        assertThat(K8S).as("run from the deploy module").isDirectory();
        DOCS.addAll(ManifestDocs.readAll(K8S));
        assertThat(DOCS).as("manifests under " + K8S.toAbsolutePath()).isNotEmpty();
    }

    @Test
    void everyObjectHasAKindAndAName() {
        List<String> problems = new ArrayList<>();
        for (Doc doc : DOCS) {
            if (doc.node().path("apiVersion").asText().isEmpty() || doc.kind().isEmpty()) {
                problems.add(doc + ": no apiVersion or kind");
            } else if (!isKustomization(doc) && doc.name().isEmpty()) {
                problems.add(doc + ": no metadata.name");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(deployments(DOCS)).extracting(Doc::name)
                .containsExactlyInAnyOrder("heartbeat-service", "replication-service", "filesync-service", "failover-service");
    }

    @Test
    void deploymentsAreProbedLimitedAndLockedDown() {
        List<String> problems = new ArrayList<>();
        for (Doc d : deployments(DOCS)) {
            JsonNode meta = d.node().path("metadata");
            JsonNode spec = d.node().path("spec");
            JsonNode template = spec.path("template");
            JsonNode pod = template.path("spec");
            for (String label : List.of("app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/component")) {
                check(problems, d, !meta.path("labels").path(label).asText().isEmpty(), "label " + label + " missing");
                check(problems, d, !template.path("metadata").path("labels").path(label).asText().isEmpty(),
                        "pod label " + label + " missing");
            }
            check(problems, d, "lifeboat".equals(meta.path("labels").path("app.kubernetes.io/part-of").asText()),
                    "part-of is not lifeboat");
            check(problems, d, subset(spec.path("selector").path("matchLabels"), template.path("metadata").path("labels")),
                    "selector does not match the pod labels");
            JsonNode annotations = template.path("metadata").path("annotations");
            check(problems, d, "true".equals(annotations.path("prometheus.io/scrape").asText())
                    && "/q/metrics".equals(annotations.path("prometheus.io/path").asText())
                    && "8080".equals(annotations.path("prometheus.io/port").asText()), "no Prometheus scrape annotations for /q/metrics");
            check(problems, d, pod.path("securityContext").path("runAsNonRoot").asBoolean(false), "pod does not run as non-root");
            check(problems, d, "RuntimeDefault".equals(pod.path("securityContext").path("seccompProfile").path("type").asText()),
                    "seccomp profile is not RuntimeDefault");
            check(problems, d, d.name().equals(pod.path("serviceAccountName").asText())
                    && has(DOCS, "ServiceAccount", d.name()), "no ServiceAccount of its own");

            Map<String, JsonNode> volumes = new LinkedHashMap<>();
            pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
            check(problems, d, pod.path("containers").size() > 0, "no containers");
            for (JsonNode c : pod.path("containers")) {
                String where = "container " + c.path("name").asText() + ": ";
                check(problems, d, c.path("image").asText().startsWith("lifeboat/" + d.name() + ":"),
                        where + "image is not lifeboat/" + d.name() + ":<version>");
                check(problems, d, hasHttpPort(c), where + "no container port 8080 named http");
                check(problems, d, probe(c, "livenessProbe", "/q/health/live"), where + "liveness probe is not GET /q/health/live on http");
                check(problems, d, probe(c, "readinessProbe", "/q/health/ready"), where + "readiness probe is not GET /q/health/ready on http");
                check(problems, d, probe(c, "startupProbe", "/q/health/started"), where + "startup probe is not GET /q/health/started on http");

                JsonNode resources = c.path("resources");
                check(problems, d, !resources.path("requests").path("cpu").asText().isEmpty(), where + "no CPU request");
                String requested = resources.path("requests").path("memory").asText();
                String limit = resources.path("limits").path("memory").asText();
                check(problems, d, !requested.isEmpty(), where + "no memory request");
                long maxLimit = MEMORY_LIMIT_EXCEPTIONS.getOrDefault(d.name(), MAX_MEMORY_LIMIT);
                check(problems, d, !limit.isEmpty() && bytes(limit) <= maxLimit, where + "memory limit '" + limit
                        + "' missing or over " + maxLimit / (1024 * 1024) + "Mi");
                check(problems, d, requested.isEmpty() || limit.isEmpty() || bytes(requested) <= bytes(limit),
                        where + "memory request above the limit");

                JsonNode sc = c.path("securityContext");
                check(problems, d, sc.path("readOnlyRootFilesystem").asBoolean(false), where + "root filesystem is not read-only");
                check(problems, d, sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean(true),
                        where + "privilege escalation not forbidden");
                check(problems, d, texts(sc.path("capabilities").path("drop")).contains("ALL"), where + "capabilities not dropped (ALL)");
                check(problems, d, !sc.has("runAsNonRoot") || sc.path("runAsNonRoot").asBoolean(), where + "runAsNonRoot overridden to false");
                check(problems, d, !sc.has("runAsUser") || sc.path("runAsUser").asInt() != 0, where + "runs as uid 0");

                Set<String> mountPaths = new HashSet<>();
                for (JsonNode m : c.path("volumeMounts")) {
                    mountPaths.add(m.path("mountPath").asText());
                    JsonNode volume = volumes.get(m.path("name").asText());
                    check(problems, d, volume != null, where + "mounts undeclared volume " + m.path("name").asText());
                    if ("/tmp".equals(m.path("mountPath").asText())) {
                        check(problems, d, volume != null && volume.has("emptyDir"), where + "/tmp is not an emptyDir");
                    }
                }
                check(problems, d, mountPaths.contains("/tmp"), where + "no writable /tmp (read-only root filesystem)");

                Map<String, JsonNode> env = new LinkedHashMap<>();
                c.path("env").forEach(e -> env.put(e.path("name").asText(), e));
                check(problems, d, "8080".equals(env.getOrDefault("QUARKUS_HTTP_PORT", YAML.nullNode()).path("value").asText()),
                        where + "QUARKUS_HTTP_PORT is not 8080 (the services' own defaults differ)");
                check(problems, d, env.getOrDefault("JAVA_OPTS_APPEND", YAML.nullNode()).path("value").asText().contains("-XX:MaxRAMPercentage="),
                        where + "JAVA_OPTS_APPEND does not size the heap from the memory limit");
                check(problems, d, "metadata.name".equals(env.getOrDefault("LIFEBOAT_INSTANCE_ID", YAML.nullNode())
                        .path("valueFrom").path("fieldRef").path("fieldPath").asText()), where + "LIFEBOAT_INSTANCE_ID not from the pod name");
                check(problems, d, texts(c.path("envFrom"), "configMapRef", "name").contains("lifeboat-config"),
                        where + "does not read ConfigMap lifeboat-config");
                check(problems, d, !env.containsKey("LIFEBOAT_SITE"), where + "sets LIFEBOAT_SITE itself: the overlay does");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void credentialsComeOnlyFromSecretsCreatedOutsideTheRepository() throws IOException {
        List<String> problems = new ArrayList<>();
        String readme = Files.readString(README);
        for (Doc doc : DOCS) {
            if ("Secret".equals(doc.kind())) {
                problems.add(doc + ": a Secret in the repository (create it with kubectl, see README)");
            }
            if (isKustomization(doc) && doc.node().has("secretGenerator")) {
                problems.add(doc + ": secretGenerator in the repository");
            }
            for (JsonNode c : containers(doc)) {
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                    if (SENSITIVE.matcher(name).find() && (e.has("value") || ref.isMissingNode())) {
                        problems.add(doc + ": env " + name + " must come from a secretKeyRef, not a literal");
                    }
                    if (!ref.isMissingNode()) {
                        String secret = ref.path("name").asText();
                        String key = ref.path("key").asText();
                        boolean documented = readme.lines().anyMatch(l -> l.contains("create secret generic " + secret + " ")
                                && l.contains("--from-literal=" + key + "="));
                        if (!documented) {
                            problems.add(doc + ": Secret " + secret + " key " + key + " is not in README's kubectl create secret examples");
                        }
                    }
                }
                for (JsonNode e : c.path("envFrom")) {
                    if (e.has("secretRef")) {
                        problems.add(doc + ": envFrom secretRef hides which keys are used: use secretKeyRef per variable");
                    }
                }
            }
        }
        // Settings files mounted into the services: sensitive values only as ${ENV} expressions.
        for (Path file : generatorFiles(DOCS)) {
            Properties props = load(file);
            for (String key : props.stringPropertyNames()) {
                String value = props.getProperty(key).trim();
                if (SENSITIVE.matcher(key).find() && !value.matches("\\$\\{[A-Z0-9_]+}")) {
                    problems.add(K8S.relativize(file) + ": " + key + " must be a ${ENV} reference to a Secret, not a value");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kustomizationsReferOnlyToWhatExists() {
        List<String> problems = new ArrayList<>();
        List<Doc> kustomizations = DOCS.stream().filter(ManifestDocs::isKustomization).toList();
        assertThat(kustomizations).hasSizeGreaterThanOrEqualTo(3);
        for (Doc k : kustomizations) {
            check(problems, k, k.file().getFileName().toString().equals("kustomization.yaml"), "a Kustomization not named kustomization.yaml");
            Path dir = k.file().getParent();
            for (String field : List.of("resources", "components")) {
                for (String ref : texts(k.node().path(field))) {
                    Path target = dir.resolve(ref).normalize();
                    boolean ok = Files.isRegularFile(target) || Files.isRegularFile(target.resolve("kustomization.yaml"));
                    check(problems, k, ok, field + " entry '" + ref + "' does not exist (or has no kustomization.yaml)");
                }
            }
            for (JsonNode patch : k.node().path("patches")) {
                if (patch.has("path")) {
                    check(problems, k, Files.isRegularFile(dir.resolve(patch.path("path").asText())), "patch " + patch.path("path").asText() + " missing");
                }
            }
            for (JsonNode gen : k.node().path("configMapGenerator")) {
                for (String file : generatorSources(gen)) {
                    check(problems, k, Files.isRegularFile(dir.resolve(file)), "configMapGenerator " + gen.path("name").asText()
                            + " reads missing file " + file);
                }
            }
        }
        // Every YAML file is used by the kustomization of its directory: nothing is silently left out.
        for (Doc doc : DOCS) {
            if (isKustomization(doc)) {
                continue;
            }
            Path kfile = doc.file().getParent().resolve("kustomization.yaml");
            boolean listed = Files.isRegularFile(kfile) && kustomizations.stream().filter(k -> k.file().equals(kfile))
                    .anyMatch(k -> texts(k.node().path("resources")).contains(doc.file().getFileName().toString())
                            || texts(k.node().path("patches"), "path").contains(doc.file().getFileName().toString()));
            check(problems, doc, listed, "not listed in its directory's kustomization.yaml");
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOverlaySetsItsSiteAndTheCommonVersion() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> list = Files.list(K8S.resolve("overlays"))) {
            dirs = list.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(dirs).extracting(p -> p.getFileName().toString()).contains("home", "offsite", "observer");
        Map<String, String> sites = new LinkedHashMap<>();
        for (Path dir : dirs) {
            List<Doc> chain = overlayChain(DOCS, dir);
            if (chain.isEmpty()) {
                problems.add(dir + ": no kustomization.yaml");
                continue;
            }
            Doc k = chain.get(0);
            Map<String, String> config = new LinkedHashMap<>();
            for (int i = chain.size() - 1; i >= 0; i--) {
                config.putAll(overlayConfig(chain.get(i)));
            }
            String site = config.get("LIFEBOAT_SITE");
            check(problems, k, site != null && SITE_ID.matcher(site).matches(), "does not set LIFEBOAT_SITE to a site id (got " + site + ")");
            sites.put(dir.getFileName().toString(), site);
            check(problems, k, chain.stream().anyMatch(o -> !o.node().path("namespace").asText().isEmpty()), "sets no namespace");
            check(problems, k, chain.stream().anyMatch(o -> texts(o.node().path("components")).contains("../../components/version")),
                    "does not include ../../components/version (one version everywhere)");
            boolean observer = chain.stream().anyMatch(o -> texts(o.node().path("resources")).contains("../../base/heartbeat-service"));
            check(problems, k, !observer || config.containsKey("LIFEBOAT_HEARTBEAT_LOCATION"), "runs an observer without LIFEBOAT_HEARTBEAT_LOCATION");
            check(problems, k, config.containsKey("KAFKA_BOOTSTRAP_SERVERS"), "does not say where Kafka is from there");
        }
        assertThat(problems).isEmpty();
        assertThat(sites).containsEntry("home", "home").containsEntry("offsite", "offsite");
        // The base has no site: a forgotten overlay setting must not fall back to one.
        assertThat(load(K8S.resolve("base/common/lifeboat.env")).stringPropertyNames()).doesNotContain("LIFEBOAT_SITE");
    }

    @Test
    void servicesRunWhereTheyMustAndVersionsAgree() {
        Map<String, Set<String>> placed = new LinkedHashMap<>();
        for (String overlay : List.of("home", "offsite", "observer")) {
            Doc k = DOCS.stream().filter(d -> d.file().equals(K8S.resolve("overlays/" + overlay + "/kustomization.yaml"))).findFirst().orElseThrow();
            Set<String> services = new TreeSet<>();
            texts(k.node().path("resources")).stream().filter(r -> r.startsWith("../../base/") && !r.endsWith("/common"))
                    .forEach(r -> services.add(r.substring("../../base/".length())));
            placed.put(overlay, services);
        }
        // What must outlive the home site does not run there; observers judge from outside.
        assertThat(placed.get("offsite")).contains("replication-service", "filesync-service", "failover-service");
        assertThat(placed.get("home")).doesNotContain("replication-service", "filesync-service", "failover-service");
        assertThat(placed.get("observer")).containsExactly("heartbeat-service");

        Doc failover = deployments(DOCS).stream().filter(d -> d.name().equals("failover-service")).findFirst().orElseThrow();
        assertThat(failover.node().path("spec").path("replicas").asInt()).as("failover-service replicas").isEqualTo(2);
        assertThat(DOCS.stream().filter(d -> "PodDisruptionBudget".equals(d.kind()))
                .anyMatch(p -> subset(p.node().path("spec").path("selector").path("matchLabels"),
                        failover.node().path("spec").path("template").path("metadata").path("labels"))))
                .as("a PodDisruptionBudget keeps one failover-service instance").isTrue();

        Doc version = DOCS.stream().filter(d -> d.file().equals(K8S.resolve("components/version/kustomization.yaml"))).findFirst().orElseThrow();
        Map<String, String> tags = new LinkedHashMap<>();
        version.node().path("images").forEach(i -> tags.put(i.path("name").asText(), i.path("newTag").asText()));
        for (Doc d : deployments(DOCS)) {
            for (JsonNode c : containers(d)) {
                String image = c.path("image").asText();
                assertThat(tags).as("version component pins " + image).containsKey(image.substring(0, image.lastIndexOf(':')));
            }
        }
        assertThat(new HashSet<>(tags.values())).as("one version of every service").hasSize(1).doesNotContain("");
    }

    @Test
    void everyDeploymentHasAServiceAndANetworkPolicyOpenOnlyOn8080() {
        List<String> problems = new ArrayList<>();
        for (Doc d : deployments(DOCS)) {
            JsonNode podLabels = d.node().path("spec").path("template").path("metadata").path("labels");
            boolean service = DOCS.stream().filter(s -> "Service".equals(s.kind()) && s.name().equals(d.name())).anyMatch(s ->
                    subset(s.node().path("spec").path("selector"), podLabels)
                            && texts(s.node().path("spec").path("ports"), "name").contains("http")
                            && texts(s.node().path("spec").path("ports"), "port").contains("8080"));
            check(problems, d, service, "no Service of the same name selecting it on port 8080 named http");
            List<Doc> policies = DOCS.stream().filter(p -> "NetworkPolicy".equals(p.kind())
                    && subset(p.node().path("spec").path("podSelector").path("matchLabels"), podLabels)).toList();
            check(problems, d, !policies.isEmpty(), "no NetworkPolicy selects it");
            for (Doc p : policies) {
                JsonNode spec = p.node().path("spec");
                check(problems, p, texts(spec.path("policyTypes")).containsAll(List.of("Ingress", "Egress")), "does not govern both directions");
                Set<String> ingressPorts = new TreeSet<>();
                for (JsonNode rule : spec.path("ingress")) {
                    check(problems, p, rule.path("ports").size() > 0, "an ingress rule open on every port");
                    ingressPorts.addAll(texts(rule.path("ports"), "port"));
                }
                check(problems, p, ingressPorts.equals(Set.of("8080")), "ingress ports " + ingressPorts + ", expected only 8080");
                Set<String> egressPorts = new TreeSet<>();
                spec.path("egress").forEach(rule -> egressPorts.addAll(texts(rule.path("ports"), "port")));
                check(problems, p, egressPorts.contains("53"), "no egress to DNS");
                check(problems, p, egressPorts.contains("9092") || egressPorts.contains("9093"), "no egress to Kafka");
            }
        }
        assertThat(problems).isEmpty();
    }
}
