package io.lifeboat.loopback;

import java.nio.file.Path;
import java.util.List;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on 127.0.0.1, alone (no cluster), that
 * keeps every alert it is sent and routes it to no receiver: tests read what arrived through its v2 API
 * ({@code GET /api/v2/alerts}).
 */
public final class AlertmanagerServer extends HttpServerProcess {

    public static final String BINARY = "/usr/bin/prometheus-alertmanager";

    public AlertmanagerServer(Path workDir) {
        super(workDir, BINARY, "prometheus-alertmanager");
    }

    @Override
    protected String name() {
        return "alertmanager";
    }

    // Short group waits so that an alert is visible at once; no receiver: what arrives is what the API lists.
    @Override
    protected String configuration() {
        return """
                # Written by lifeboat loopback-servers at every start.
                route:
                  receiver: keep
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: keep
                """;
    }

    @Override
    protected List<String> command(Path configFile) {
        // An empty cluster address: a single instance, no gossip port.
        return List.of(BINARY, "--config.file=" + configFile, "--storage.path=" + workDir.resolve("data"),
                "--web.listen-address=" + hostPort(), "--cluster.listen-address=", "--log.level=warn");
    }
}
