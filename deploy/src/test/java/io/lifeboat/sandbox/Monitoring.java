package io.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** The sandbox's Prometheus and Alertmanager as a test reads them: through their HTTP APIs only. */
final class Monitoring {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prometheus;
    private final String alertmanager;

    Monitoring(Properties endpoints) {
        this.prometheus = endpoints.getProperty("LIFEBOAT_PROMETHEUS_URL");
        this.alertmanager = endpoints.getProperty("LIFEBOAT_ALERTMANAGER_URL");
    }

    /** Alerts firing in Prometheus, as {@code name} and {@code name/site} (when the alert has a site). */
    Set<String> firingInPrometheus() throws IOException, InterruptedException {
        Set<String> firing = new TreeSet<>();
        for (JsonNode alert : get(prometheus + "/api/v1/alerts").path("data").path("alerts")) {
            if ("firing".equals(alert.path("state").asText())) {
                firing.addAll(names(alert.path("labels")));
            }
        }
        return firing;
    }

    /** Active alerts Alertmanager received (v2 API), named as in {@link #firingInPrometheus}. */
    Set<String> activeInAlertmanager() throws IOException, InterruptedException {
        Set<String> active = new TreeSet<>();
        for (JsonNode alert : get(alertmanager + "/api/v2/alerts?active=true&silenced=false&inhibited=false")) {
            if ("active".equals(alert.path("status").path("state").asText())) {
                active.addAll(names(alert.path("labels")));
            }
        }
        return active;
    }

    /** The scrape targets Prometheus has, job/health, e.g. {@code failover-service/up}. */
    Set<String> targets() throws IOException, InterruptedException {
        Set<String> targets = new TreeSet<>();
        for (JsonNode target : get(prometheus + "/api/v1/targets").path("data").path("activeTargets")) {
            targets.add(target.path("labels").path("job").asText() + "/" + target.path("health").asText());
        }
        return targets;
    }

    /** Every query of the dashboard that returns no series now (with the error, when Prometheus refused it). */
    List<String> dashboardQueriesWithoutData(Path dashboard) throws IOException, InterruptedException {
        List<String> empty = new ArrayList<>();
        List<String> queries = dashboardQueries(dashboard);
        if (queries.isEmpty()) {
            throw new IllegalStateException("no queries in " + dashboard);
        }
        for (String query : queries) {
            JsonNode answer = get(prometheus + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            if (!"success".equals(answer.path("status").asText())) {
                empty.add(query + " → " + answer.path("error").asText());
            } else if (answer.path("data").path("result").isEmpty()) {
                empty.add(query);
            }
        }
        return empty;
    }

    static List<String> dashboardQueries(Path dashboard) throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : JSON.readTree(dashboard.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    private static Set<String> names(JsonNode labels) {
        String name = labels.path("alertname").asText();
        return labels.hasNonNull("site") ? Set.of(name, name + "/" + labels.path("site").asText()) : Set.of(name);
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
