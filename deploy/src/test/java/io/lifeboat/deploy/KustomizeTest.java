package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test renderer does what kustomize does for the subset it knows, and refuses the rest by name. */
class KustomizeTest {

    private static final String HEADER = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";

    @TempDir
    Path dir;

    @Test
    void rendersBasesGeneratorsComponentsPatchesImagesLabelsAndNamespace() throws IOException {
        write("base/kustomization.yaml", HEADER + """
                resources: [deployment.yaml]
                configMapGenerator:
                  - name: config
                    envs: [values.env]
                    options: {labels: {app: demo}}
                """);
        write("base/values.env", "# a comment\nA=1\nB=2\n\n");
        write("base/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: demo}
                spec:
                  template:
                    spec:
                      containers:
                        - name: demo
                          image: lifeboat/demo:1
                          env: [{name: X, value: "1"}, {name: Y, value: "2"}]
                """);
        write("version/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                + "images: [{name: lifeboat/demo, newName: registry.example/demo, newTag: '2'}]\n");
        write("overlay/kustomization.yaml", HEADER + """
                namespace: lifeboat
                resources: [../base]
                components: [../version]
                configMapGenerator:
                  - name: config
                    behavior: merge
                    literals: [B=3, C=4]
                patches:
                  - patch: |
                      apiVersion: apps/v1
                      kind: Deployment
                      metadata: {name: demo}
                      spec:
                        template:
                          spec:
                            containers:
                              - name: demo
                                env: [{name: Y, value: "5"}, {name: Z, value: "6"}]
                labels:
                  - pairs: {part-of: lifeboat}
                """);

        List<ObjectNode> out = Kustomize.render(dir.resolve("overlay"));

        ObjectNode config = Kustomize.find(out, "ConfigMap", "config");
        assertThat(config.path("data").toString()).isEqualTo("{\"A\":\"1\",\"B\":\"3\",\"C\":\"4\"}");
        assertThat(config.path("metadata").path("labels").toString()).isEqualTo("{\"app\":\"demo\",\"part-of\":\"lifeboat\"}");
        ObjectNode deployment = Kustomize.find(out, "Deployment", "demo");
        assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo("lifeboat");
        var container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("registry.example/demo:2");
        assertThat(container.path("env").toString()).isEqualTo(
                "[{\"name\":\"X\",\"value\":\"1\"},{\"name\":\"Y\",\"value\":\"5\"},{\"name\":\"Z\",\"value\":\"6\"}]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"secretGenerator: [{name: s, literals: [a=b]}]", "namePrefix: x-", "replicas: [{name: a, count: 2}]",
            "helmCharts: [{name: x}]", "generatorOptions: {disableNameSuffixHash: true}",
            "labels: [{pairs: {a: b}, includeSelectors: true}]",
            "patches: [{patch: '[{\"op\": \"add\", \"path\": \"/x\", \"value\": 1}]', target: {kind: Deployment}}]",
            "patches: [{path: p.yaml, options: {allowNameChange: true}}]"})
    void refusesWhatItDoesNotKnowNamingIt(String line) throws IOException {
        write("k/kustomization.yaml", HEADER + line + "\n");
        write("k/p.yaml", "kind: Deployment\nmetadata: {name: a}\n");
        String key = line.substring(0, line.indexOf(':'));
        assertThatThrownBy(() -> Kustomize.render(dir.resolve("k")))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(key.equals("patches") ? "patches" : key + " ")
                        .containsAnyOf("outside the subset", "only strategic merge patches"));
    }

    @Test
    void everyShippedKustomizationRenders() throws IOException {
        try (var paths = Files.walk(Path.of("k8s"))) {
            for (Path k : paths.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
                if (!Files.readString(k).contains("kind: Component")) {
                    assertThat(Kustomize.render(k.getParent())).as(k.toString()).isNotEmpty();
                }
            }
        }
    }

    private void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
