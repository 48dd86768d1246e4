package io.lifeboat.loopback;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real Prometheus and Alertmanager: Prometheus scrapes a target, fires the alert of its rules file when the target
 * says so, Alertmanager receives it, and both let it go when the target stops saying so; stopping leaves no process.
 */
class PrometheusServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void anAlertFiresReachesAlertmanagerAndResolves() throws Exception {
        AtomicInteger broken = new AtomicInteger(0);
        HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/q/metrics", exchange -> {
            byte[] body = ("# TYPE probe_broken gauge\nprobe_broken " + broken.get() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        target.start();
        Path rules = Files.writeString(dir.resolve("rules.yml"), """
                groups:
                  - name: probe
                    rules:
                      - alert: ProbeBroken
                        expr: max(probe_broken) == 1
                        labels: {severity: critical}
                """);
        try (AlertmanagerServer alertmanager = new AlertmanagerServer(dir.resolve("am"));
             PrometheusServer prometheus = new PrometheusServer(dir.resolve("prom"),
                     Map.of("probe", List.of("127.0.0.1:" + target.getAddress().getPort())), "/q/metrics", rules,
                     alertmanager.hostPort(), Duration.ofSeconds(1))) {
            alertmanager.start();
            prometheus.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(prometheus.url() + "/api/v1/targets")
                    .contains("\"health\":\"up\""));
            assertThat(get(prometheus.url() + "/api/v1/alerts")).doesNotContain("ProbeBroken");

            broken.set(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(prometheus.url() + "/api/v1/alerts")
                    .contains("\"alertname\":\"ProbeBroken\""));
            await().atMost(Duration.ofSeconds(30)).until(() -> get(alertmanager.url() + "/api/v2/alerts")
                    .contains("\"alertname\":\"ProbeBroken\""));

            broken.set(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> !get(alertmanager.url() + "/api/v2/alerts?active=true")
                    .contains("ProbeBroken") && !get(prometheus.url() + "/api/v1/alerts").contains("ProbeBroken"));
            long prometheusPid = prometheus.pid().orElseThrow();
            prometheus.stop();
            alertmanager.stop();
            assertThat(ProcessHandle.of(prometheusPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(prometheus.isRunning()).isFalse();
            assertThat(alertmanager.isRunning()).isFalse();
        } finally {
            target.stop(0);
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
