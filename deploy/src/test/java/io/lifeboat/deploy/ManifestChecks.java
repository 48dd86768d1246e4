package io.lifeboat.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.deploy.ManifestDocs.Doc;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The small judgements {@link ManifestsTest} makes of one object or value, and how it records a violation. */
final class ManifestChecks {

    private ManifestChecks() {
    }

    static void check(List<String> problems, Doc doc, boolean ok, String problem) {
        if (!ok) {
            problems.add(doc + ": " + problem);
        }
    }

    static boolean hasHttpPort(JsonNode container) {
        for (JsonNode p : container.path("ports")) {
            if ("http".equals(p.path("name").asText()) && p.path("containerPort").asInt() == 8080) {
                return true;
            }
        }
        return false;
    }

    static boolean probe(JsonNode container, String which, String path) {
        JsonNode get = container.path(which).path("httpGet");
        String port = get.path("port").asText();
        return path.equals(get.path("path").asText()) && ("http".equals(port) || "8080".equals(port));
    }

    /** True when every label of {@code selector} is in {@code labels} with the same value (and there is one). */
    static boolean subset(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : selector.properties()) {
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /** A Kubernetes memory quantity in bytes: 256Mi, 1Gi, 500M, 268435456. */
    static long bytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)([KMGT]i?)?").matcher(quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a memory quantity: " + quantity);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit.charAt(0)) + 1;
        long base = unit.endsWith("i") ? 1024 : 1000;
        for (int i = 0; i < power; i++) {
            n *= base;
        }
        return n;
    }
}
