package io.lifeboat.loopback;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on 127.0.0.1: scrapes the given jobs' targets, evaluates
 * the given rules file and sends its alerts to an Alertmanager. Scrape and evaluation every {@code interval}, short
 * in tests so that an alert fires within seconds of its cause. Its TSDB lives in the work directory.
 */
public final class PrometheusServer extends HttpServerProcess {

    public static final String BINARY = "/usr/bin/prometheus";

    private final Map<String, List<String>> jobs;
    private final String metricsPath;
    private final Path rulesFile;
    private final String alertmanager;
    private final Duration interval;

    /**
     * @param jobs         job name → targets (host:port), each job's targets scraped at {@code metricsPath}
     * @param alertmanager host:port of the Alertmanager
     */
    public PrometheusServer(Path workDir, Map<String, List<String>> jobs, String metricsPath, Path rulesFile,
            String alertmanager, Duration interval) {
        super(workDir, BINARY, "prometheus");
        this.jobs = new LinkedHashMap<>(jobs);
        this.metricsPath = metricsPath;
        this.rulesFile = rulesFile.toAbsolutePath();
        this.alertmanager = alertmanager;
        this.interval = interval;
    }

    @Override
    protected String name() {
        return "prometheus";
    }

    @Override
    protected String configuration() {
        String every = interval.toMillis() + "ms";
        StringBuilder config = new StringBuilder("""
                # Written by lifeboat loopback-servers at every start.
                global:
                  scrape_interval: %1$s
                  scrape_timeout: %1$s
                  evaluation_interval: %1$s
                rule_files:
                  - "%2$s"
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["%3$s"]
                scrape_configs:
                """.formatted(every, rulesFile, alertmanager));
        jobs.forEach((job, targets) -> config.append("""
                  - job_name: "%s"
                    metrics_path: "%s"
                    static_configs:
                      - targets: [%s]
                """.formatted(job, metricsPath, String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList()))));
        return config.toString();
    }

    @Override
    protected List<String> command(Path configFile) {
        return List.of(BINARY, "--config.file=" + configFile, "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=" + hostPort(), "--log.level=warn");
    }
}
