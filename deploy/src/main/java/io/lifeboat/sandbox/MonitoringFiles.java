package io.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the monitoring files live in the repository, and the plain Prometheus rules file made from the
 * {@code PrometheusRule} manifest: the manifest is the one source of the rules, and kustomize cannot embed a file into
 * a custom resource, so the sandbox's Prometheus and promtool read its {@code spec} (that is, {@code groups:}).
 */
public final class MonitoringFiles {

    public static final String PROMETHEUS_RULE = "deploy/k8s/components/monitoring/prometheusrule.yaml";
    public static final String RULES_TEST = "deploy/monitoring/rules-test.yml";
    public static final String DASHBOARD = "deploy/monitoring/grafana/lifeboat-dashboard.json";
    /** The rules file's name, as {@link #RULES_TEST} refers to it. */
    public static final String RULES_FILE = "lifeboat-rules.yml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private MonitoringFiles() {
    }

    /** Writes {@code spec} of the repository's PrometheusRule to {@code out}; returns {@code out}. */
    public static Path writeRules(Path repository, Path out) {
        Path manifest = repository.resolve(PROMETHEUS_RULE);
        try {
            JsonNode spec = YAML.readTree(manifest.toFile()).path("spec");
            if (!spec.path("groups").isArray()) {
                throw new IllegalStateException(manifest + ": no spec.groups");
            }
            Files.createDirectories(out.toAbsolutePath().getParent());
            YAML.writeValue(out.toFile(), spec);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make Prometheus' rules file from " + manifest, e);
        }
    }
}
