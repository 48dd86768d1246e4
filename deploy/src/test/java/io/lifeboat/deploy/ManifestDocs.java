package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/** The YAML objects under {@code deploy/k8s} and the look-ups among them: {@link ManifestsTest} keeps only its rules. */
final class ManifestDocs {

    static final Path K8S = Path.of("k8s");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ManifestDocs() {
    }

    /** One object of a YAML file under k8s, kustomizations included, with the file it came from. */
    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return K8S.relativize(file) + " " + kind() + "/" + name();
        }
    }

    /** Every object of every YAML file under {@code root}, files in order. */
    static List<Doc> readAll(Path root) throws IOException {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(Files.readString(file))) {
                    while (it.hasNext()) {
                        JsonNode node = it.next();
                        if (node != null && !node.isNull() && !node.isMissingNode()) {
                            docs.add(new Doc(file, node));
                        }
                    }
                }
            }
        }
        return docs;
    }

    /** The Deployments themselves, not the strategic merge patches that change one (examples/). */
    static List<Doc> deployments(List<Doc> docs) {
        return docs.stream().filter(d -> "Deployment".equals(d.kind()) && !isPatch(docs, d)).toList();
    }

    private static boolean isPatch(List<Doc> docs, Doc doc) {
        return docs.stream().filter(ManifestDocs::isKustomization).anyMatch(k -> texts(k.node().path("patches"), "path")
                .stream().anyMatch(path -> k.file().getParent().resolve(path).normalize().equals(doc.file().normalize())));
    }

    static boolean isKustomization(Doc doc) {
        return doc.node().path("apiVersion").asText().startsWith("kustomize.config.k8s.io/");
    }

    static boolean has(List<Doc> docs, String kind, String name) {
        return docs.stream().anyMatch(d -> kind.equals(d.kind()) && name.equals(d.name()));
    }

    static List<JsonNode> containers(Doc doc) {
        List<JsonNode> all = new ArrayList<>();
        JsonNode pod = doc.node().path("spec").path("template").path("spec");
        pod.path("containers").forEach(all::add);
        pod.path("initContainers").forEach(all::add);
        return all;
    }

    static List<String> texts(JsonNode array, String... path) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            JsonNode v = n;
            for (String p : path) {
                v = v.path(p);
            }
            if (!v.isMissingNode() && !v.isNull()) {
                out.add(v.asText());
            }
        }
        return out;
    }

    /** The files a configMapGenerator reads ({@code files} may be {@code key=path}). */
    static List<String> generatorSources(JsonNode gen) {
        List<String> out = new ArrayList<>();
        texts(gen.path("files")).forEach(f -> out.add(f.contains("=") ? f.substring(f.indexOf('=') + 1) : f));
        out.addAll(texts(gen.path("envs")));
        if (gen.has("env")) {
            out.add(gen.path("env").asText());
        }
        return out;
    }

    static List<Path> generatorFiles(List<Doc> docs) {
        List<Path> out = new ArrayList<>();
        docs.stream().filter(ManifestDocs::isKustomization).forEach(k -> k.node().path("configMapGenerator")
                .forEach(gen -> generatorSources(gen).forEach(f -> out.add(k.file().getParent().resolve(f).normalize()))));
        return out;
    }

    /** An overlay's kustomization, then those of the overlays it builds on ({@code resources: [../observer]}). */
    static List<Doc> overlayChain(List<Doc> docs, Path dir) {
        List<Doc> chain = new ArrayList<>();
        Path overlays = K8S.resolve("overlays").normalize();
        Path current = dir.normalize();
        while (current != null && chain.size() < 10) {
            Path file = current.resolve("kustomization.yaml");
            Doc k = docs.stream().filter(d -> d.file().normalize().equals(file)).findFirst().orElse(null);
            if (k == null) {
                break;
            }
            chain.add(k);
            Path base = current;
            current = texts(k.node().path("resources")).stream().map(r -> base.resolve(r).normalize())
                    .filter(r -> overlays.equals(r.getParent())).findFirst().orElse(null);
        }
        return chain;
    }

    /** What one kustomization merges into lifeboat-config: its literals and env files. */
    static Map<String, String> overlayConfig(Doc k) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode gen : k.node().path("configMapGenerator")) {
            if (!"lifeboat-config".equals(gen.path("name").asText())) {
                continue;
            }
            for (String literal : texts(gen.path("literals"))) {
                int eq = literal.indexOf('=');
                if (eq > 0) {
                    out.put(literal.substring(0, eq).trim(), literal.substring(eq + 1).trim());
                }
            }
            for (String env : generatorSources(gen)) {
                Properties props = load(k.file().getParent().resolve(env));
                props.stringPropertyNames().forEach(n -> out.put(n, props.getProperty(n)));
            }
        }
        return out;
    }

    static Properties load(Path file) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }
}
