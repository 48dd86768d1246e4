package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lifeboat.sandbox.MonitoringFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring manifests: the PrometheusRule's groups pass {@code promtool check rules} and the unit tests of
 * {@code deploy/monitoring/rules-test.yml} ({@code promtool test rules}), every alert has a unit test, every
 * service has a PodMonitor, and every overlay includes the monitoring component.
 */
class MonitoringManifestsTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path K8S = REPOSITORY.resolve("deploy/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void theRulesPassPromtoolCheckAndTheirUnitTests() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/monitoring"));
        Path rules = MonitoringFiles.writeRules(REPOSITORY, dir.resolve(MonitoringFiles.RULES_FILE));
        Path tests = Files.copy(REPOSITORY.resolve(MonitoringFiles.RULES_TEST), dir.resolve("rules-test.yml"),
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(promtool(dir, "check", "rules", rules.getFileName().toString())).contains("SUCCESS");
        assertThat(promtool(dir, "test", "rules", tests.getFileName().toString())).contains("SUCCESS");
    }

    /** promtool would pass a rule that no test names: every alert must have at least one. */
    @Test
    void everyAlertHasAUnitTest() throws IOException {
        Set<String> tested = new TreeSet<>();
        for (JsonNode test : YAML.readTree(REPOSITORY.resolve(MonitoringFiles.RULES_TEST).toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                if (!check.path("exp_alerts").isEmpty()) {
                    tested.add(check.path("alertname").asText());
                }
            }
        }
        assertThat(tested).containsExactlyInAnyOrderElementsOf(alerts());
    }

    @Test
    void everyServiceHasAPodMonitorOnItsMetrics() throws IOException {
        Set<String> services = new TreeSet<>();
        try (Stream<Path> files = Files.walk(K8S.resolve("base"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().equals("deployment.yaml")).toList()) {
                services.add(YAML.readTree(file.toFile()).path("metadata").path("name").asText());
            }
        }
        Set<String> monitored = new TreeSet<>();
        for (JsonNode monitor : documents(K8S.resolve("components/monitoring/podmonitors.yaml"))) {
            assertThat(monitor.path("kind").asText()).isEqualTo("PodMonitor");
            JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").get(0);
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
            assertThat(endpoint.path("port").asText()).isEqualTo("http");
            assertThat(monitor.path("spec").path("jobLabel").asText()).isEqualTo("app.kubernetes.io/name");
            monitored.add(monitor.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asText());
        }
        assertThat(monitored).isEqualTo(services).hasSize(4);
    }

    @Test
    void everyOverlayIncludesTheMonitoringComponent() throws IOException {
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            for (Path overlay : overlays.toList()) {
                JsonNode kustomization = YAML.readTree(overlay.resolve("kustomization.yaml").toFile());
                List<String> components = new ArrayList<>();
                kustomization.path("components").forEach(c -> components.add(c.asText()));
                assertThat(components).as(overlay.toString()).contains("../../components/monitoring");
            }
        }
    }

    private static Set<String> alerts() throws IOException {
        Set<String> alerts = new TreeSet<>();
        JsonNode rule = YAML.readTree(REPOSITORY.resolve(MonitoringFiles.PROMETHEUS_RULE).toFile());
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        for (JsonNode group : rule.path("spec").path("groups")) {
            group.path("rules").forEach(r -> alerts.add(r.path("alert").asText()));
        }
        assertThat(alerts).hasSizeGreaterThan(10);
        return alerts;
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            YAML.readValues(parser, ObjectNode.class).forEachRemaining(docs::add);
        }
        return docs;
    }

    private static String promtool(Path dir, String... args) throws Exception {
        assertThat(PROMTOOL).as("promtool: Debian package prometheus (./lifeboat test installs it)").isExecutable();
        List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
