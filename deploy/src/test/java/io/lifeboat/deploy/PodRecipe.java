package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rendered Deployment gives its (single) container, read the way the kubelet reads it: {@code envFrom}
 * ConfigMaps first, then {@code env} over them (values, ConfigMap and Secret keys, the pod's name), the files of the
 * ConfigMaps it mounts, the directories it mounts as {@code emptyDir}, and the JVM options {@code JAVA_OPTS_APPEND}
 * hands to the image's {@code run-java.sh}. A reference to something missing (a ConfigMap not rendered, a Secret or
 * key the caller does not provide) fails, as the pod would fail to start.
 *
 * @param env         the container's environment, exactly
 * @param mounts      per mount path, the files a ConfigMap volume puts there (file name → content)
 * @param emptyDirs   mount paths of emptyDir volumes
 * @param jvmOptions  {@code JAVA_OPTS_APPEND}, split
 * @param memoryLimit the container's memory limit, in bytes
 */
record PodRecipe(String deployment, String workingDir, Map<String, String> env, Map<String, Map<String, String>> mounts,
        List<String> emptyDirs, List<String> jvmOptions, long memoryLimit) {

    static PodRecipe of(List<ObjectNode> rendered, ObjectNode deployment, Map<String, Map<String, String>> secrets,
            String podName) {
        String name = deployment.path("metadata").path("name").asText();
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        if (pod.path("containers").size() != 1) {
            throw new IllegalArgumentException(name + ": expected one container");
        }
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (!from.has("configMapRef")) {
                throw new IllegalArgumentException(name + ": envFrom other than configMapRef: " + from);
            }
            env.putAll(configMap(rendered, name, from.path("configMapRef").path("name").asText()));
        }
        for (JsonNode e : container.path("env")) {
            String key = e.path("name").asText();
            JsonNode from = e.path("valueFrom");
            if (e.has("value")) {
                env.put(key, expand(e.path("value").asText(), env)); // $(VAR) of an earlier variable, as Kubernetes does
            } else if (from.has("secretKeyRef")) {
                String value = lookup(secrets, "Secret", name, from.path("secretKeyRef"));
                if (value != null) {
                    env.put(key, value);
                }
            } else if (from.has("configMapKeyRef")) {
                env.put(key, lookup(Map.of(from.path("configMapKeyRef").path("name").asText(), configMap(rendered, name,
                        from.path("configMapKeyRef").path("name").asText())), "ConfigMap", name, from.path("configMapKeyRef")));
            } else if ("metadata.name".equals(from.path("fieldRef").path("fieldPath").asText())) {
                env.put(key, podName);
            } else if ("status.podIP".equals(from.path("fieldRef").path("fieldPath").asText())) {
                env.put(key, "127.0.0.1"); // the services run on loopback here
            } else {
                throw new IllegalArgumentException(name + ": env " + key + " has a source this test does not know: " + e);
            }
        }
        Map<String, JsonNode> volumes = new LinkedHashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
        Map<String, Map<String, String>> mounts = new LinkedHashMap<>();
        List<String> emptyDirs = new ArrayList<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = volumes.get(mount.path("name").asText());
            String path = mount.path("mountPath").asText();
            if (volume == null) {
                throw new IllegalArgumentException(name + ": mounts volume " + mount.path("name") + " it does not declare");
            } else if (volume.has("configMap")) {
                mounts.put(path, configMap(rendered, name, volume.path("configMap").path("name").asText()));
            } else if (volume.has("emptyDir")) {
                emptyDirs.add(path);
            } else {
                throw new IllegalArgumentException(name + ": volume of a kind this test does not know: " + volume);
            }
        }
        List<String> jvm = env.containsKey("JAVA_OPTS_APPEND")
                ? Arrays.asList(env.get("JAVA_OPTS_APPEND").trim().split("\\s+")) : List.of();
        return new PodRecipe(name, container.path("workingDir").asText("/deployments"), env, mounts, emptyDirs,
                List.copyOf(jvm), ManifestChecks.bytes(container.path("resources").path("limits").path("memory").asText()));
    }

    private static Map<String, String> configMap(List<ObjectNode> rendered, String deployment, String name) {
        ObjectNode map = Kustomize.find(rendered, "ConfigMap", name);
        if (map == null) {
            throw new IllegalArgumentException(deployment + ": ConfigMap " + name + " is not in the rendered overlay");
        }
        Map<String, String> data = new LinkedHashMap<>();
        map.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    private static String lookup(Map<String, Map<String, String>> sources, String kind, String deployment, JsonNode ref) {
        Map<String, String> source = sources.get(ref.path("name").asText());
        if ((source == null || !source.containsKey(ref.path("key").asText())) && ref.path("optional").asBoolean()) {
            return null; // as Kubernetes: an optional reference to what is not there leaves the variable unset
        }
        if (source == null || !source.containsKey(ref.path("key").asText())) {
            throw new IllegalArgumentException(deployment + ": " + kind + " " + ref.path("name").asText() + " key "
                    + ref.path("key").asText() + " is not provided");
        }
        return source.get(ref.path("key").asText());
    }

    /** Kubernetes' dependent variables: {@code $(NAME)} of a variable defined before; others are left as they are. */
    static String expand(String value, Map<String, String> env) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String known = env.get(m.group(1));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(known == null ? m.group() : known));
        }
        return m.appendTail(out).toString();
    }
}
