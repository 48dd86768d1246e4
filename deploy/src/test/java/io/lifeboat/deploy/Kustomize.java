package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization as {@code kubectl kustomize} does, for exactly the subset of kustomize that deploy/k8s uses,
 * so that a test can start the services from what a user applies without a kustomize binary (none can be fetched
 * where the tests run). Anything outside the subset is refused with the key named, never silently ignored: a
 * manifest that starts using more of kustomize fails {@code KustomizeTest} until this renderer learns it.
 *
 * <p>The subset: {@code resources} (files, multi-document, and directories holding a kustomization),
 * {@code components} (kind Component), {@code configMapGenerator} ({@code envs}, {@code literals}, {@code files},
 * {@code behavior} create/merge/replace, {@code options.labels}), {@code patches} (strategic merge only, by
 * {@code path} or inline {@code patch}, optionally narrowed by a {@code target} kind and name), {@code images}
 * ({@code newName}, {@code newTag}), {@code labels} (pairs, without selectors) and {@code namespace}.
 *
 * <p>One deliberate difference: generated ConfigMaps keep their plain names (kubectl adds a hash of the content, and
 * rewrites every reference to match, so that a change rolls the pods). Within one rendering the references resolve the
 * same either way. Strategic merge is approximated as the manifests need it: maps merge, lists of objects that all
 * carry a {@code name} merge by name (containers, env, volumes, volume mounts), every other list is replaced.
 */
final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Set<String> KUSTOMIZATION_KEYS = Set.of("apiVersion", "kind", "resources", "components",
            "configMapGenerator", "patches", "images", "labels", "namespace");
    private static final Set<String> GENERATOR_KEYS = Set.of("name", "behavior", "envs", "literals", "files", "options");
    private static final Set<String> GENERATOR_OPTIONS = Set.of("labels");
    private static final Set<String> PATCH_KEYS = Set.of("path", "patch", "target");
    private static final Set<String> TARGET_KEYS = Set.of("kind", "name");
    private static final Set<String> IMAGE_KEYS = Set.of("name", "newName", "newTag");
    private static final Set<String> LABEL_KEYS = Set.of("pairs", "includeSelectors");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass");

    private Kustomize() {
    }

    /** The objects {@code kubectl kustomize dir} would print, in order. */
    static List<ObjectNode> render(Path dir) {
        List<ObjectNode> objects = new ArrayList<>();
        apply(dir.toAbsolutePath().normalize(), objects, false);
        return objects;
    }

    private static void apply(Path dir, List<ObjectNode> objects, boolean component) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(dir + ": no kustomization.yaml");
        }
        JsonNode k = readOne(file);
        allowOnly(file, "", k, KUSTOMIZATION_KEYS);
        String expectedKind = component ? "Component" : "Kustomization";
        if (!expectedKind.equals(k.path("kind").asText(expectedKind))) {
            throw new IllegalArgumentException(file + ": kind " + k.path("kind").asText() + ", expected " + expectedKind);
        }
        for (JsonNode resource : k.path("resources")) {
            Path path = dir.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                apply(path, objects, false);
            } else {
                objects.addAll(readAll(path));
            }
        }
        for (JsonNode c : k.path("components")) {
            apply(dir.resolve(c.asText()).normalize(), objects, true);
        }
        for (JsonNode generator : k.path("configMapGenerator")) {
            generate(file, dir, generator, objects);
        }
        for (JsonNode patch : k.path("patches")) {
            patch(file, dir, patch, objects);
        }
        for (JsonNode image : k.path("images")) {
            allowOnly(file, "images.", image, IMAGE_KEYS);
            objects.forEach(o -> retag(o, image));
        }
        for (JsonNode labels : k.path("labels")) {
            allowOnly(file, "labels.", labels, LABEL_KEYS);
            if (labels.path("includeSelectors").asBoolean(false)) {
                throw new IllegalArgumentException(file + ": labels with includeSelectors: true is outside the subset of kustomize this renderer supports");
            }
            objects.forEach(o -> child(child(o, "metadata"), "labels").setAll((ObjectNode) labels.path("pairs")));
        }
        if (k.hasNonNull("namespace")) {
            for (ObjectNode o : objects) {
                if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                    child(o, "metadata").put("namespace", k.path("namespace").asText());
                }
            }
        }
    }

    private static void generate(Path file, Path dir, JsonNode generator, List<ObjectNode> objects) {
        allowOnly(file, "configMapGenerator.", generator, GENERATOR_KEYS);
        allowOnly(file, "configMapGenerator.options.", generator.path("options"), GENERATOR_OPTIONS);
        String name = generator.path("name").asText();
        Map<String, String> data = new LinkedHashMap<>();
        for (JsonNode env : generator.path("envs")) {
            data.putAll(envFile(dir.resolve(env.asText())));
        }
        for (JsonNode literal : generator.path("literals")) {
            String[] kv = literal.asText().split("=", 2);
            data.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        for (JsonNode f : generator.path("files")) {
            String[] kv = f.asText().split("=", 2);
            Path source = dir.resolve(kv.length > 1 ? kv[1] : kv[0]);
            data.put(kv.length > 1 ? kv[0] : source.getFileName().toString(), read(source));
        }
        ObjectNode existing = find(objects, "ConfigMap", name);
        String behavior = generator.path("behavior").asText("create");
        switch (behavior) {
            case "create" -> {
                if (existing != null) {
                    throw new IllegalArgumentException(file + ": ConfigMap " + name + " exists; use behavior merge or replace");
                }
                ObjectNode map = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
                child(map, "metadata").put("name", name);
                if (generator.path("options").has("labels")) {
                    child(map, "metadata").set("labels", generator.path("options").path("labels").deepCopy());
                }
                data.forEach(child(map, "data")::put);
                objects.add(map);
            }
            case "merge", "replace" -> {
                if (existing == null) {
                    throw new IllegalArgumentException(file + ": ConfigMap " + name + " to " + behavior + " does not exist");
                }
                if (behavior.equals("replace")) {
                    existing.remove("data");
                }
                data.forEach(child(existing, "data")::put);
            }
            default -> throw new IllegalArgumentException(file + ": configMapGenerator.behavior " + behavior + " is unknown");
        }
    }

    private static void patch(Path file, Path dir, JsonNode spec, List<ObjectNode> objects) {
        allowOnly(file, "patches.", spec, PATCH_KEYS);
        allowOnly(file, "patches.target.", spec.path("target"), TARGET_KEYS);
        JsonNode patch = spec.has("path") ? readOne(dir.resolve(spec.path("path").asText()))
                : parse(file, spec.path("patch").asText());
        if (!patch.isObject() || !patch.has("kind")) {
            throw new IllegalArgumentException(file + ": only strategic merge patches (an object with a kind) are supported");
        }
        String kind = spec.path("target").path("kind").asText(patch.path("kind").asText());
        String name = spec.path("target").path("name").asText(patch.path("metadata").path("name").asText());
        List<ObjectNode> targets = objects.stream().filter(o -> kind.equals(o.path("kind").asText())
                && name.equals(o.path("metadata").path("name").asText())).toList();
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(file + ": patch target " + kind + "/" + name + " not found");
        }
        for (ObjectNode target : targets) {
            ObjectNode body = (ObjectNode) patch.deepCopy();
            body.remove("apiVersion");
            body.remove("kind");
            child(body, "metadata").remove("name");
            merge(target, body);
        }
    }

    /** Strategic merge, as far as the manifests need it (see the class comment). */
    static void merge(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode old = target.get(e.getKey());
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (old instanceof ObjectNode o && value instanceof ObjectNode v) {
                merge(o, v);
            } else if (old instanceof ArrayNode o && value instanceof ArrayNode v && named(o) && named(v)) {
                for (JsonNode item : v) {
                    ObjectNode match = null;
                    for (JsonNode existing : o) {
                        if (existing.path("name").equals(item.path("name"))) {
                            match = (ObjectNode) existing;
                        }
                    }
                    if (match == null) {
                        o.add(item.deepCopy());
                    } else {
                        merge(match, (ObjectNode) item);
                    }
                }
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        }
    }

    private static boolean named(ArrayNode list) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return true;
    }

    private static void retag(ObjectNode object, JsonNode image) {
        for (JsonNode container : object.path("spec").path("template").path("spec").path("containers")) {
            String current = container.path("image").asText();
            int colon = current.lastIndexOf(':');
            String name = colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
            String tag = colon > current.lastIndexOf('/') ? current.substring(colon + 1) : "latest";
            if (name.equals(image.path("name").asText())) {
                ((ObjectNode) container).put("image", image.path("newName").asText(name) + ":"
                        + image.path("newTag").asText(tag));
            }
        }
    }

    /** The object under {@code key}, created if absent. */
    static ObjectNode child(ObjectNode parent, String key) {
        return parent.get(key) instanceof ObjectNode o ? o : parent.putObject(key);
    }

    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())
                && name.equals(o.path("metadata").path("name").asText())).findFirst().orElse(null);
    }

    private static void allowOnly(Path file, String prefix, JsonNode node, Set<String> allowed) {
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(file + ": " + prefix + key
                        + " is outside the subset of kustomize this renderer supports (see Kustomize)");
            }
        });
    }

    /** An env file as kustomize reads it: KEY=VALUE lines, # comments and blank lines skipped, nothing unquoted. */
    static Map<String, String> envFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] kv = trimmed.split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return env;
    }

    private static JsonNode readOne(Path file) {
        List<ObjectNode> all = readAll(file);
        if (all.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one YAML document, found " + all.size());
        }
        return all.get(0);
    }

    static List<ObjectNode> readAll(Path file) {
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
            List<ObjectNode> docs = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(doc -> {
                if (doc != null && !doc.isEmpty()) {
                    docs.add((ObjectNode) doc);
                }
            });
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    private static JsonNode parse(Path file, String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": inline patch is not YAML: " + e.getMessage(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }
}
