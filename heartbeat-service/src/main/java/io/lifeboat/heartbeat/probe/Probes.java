package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/** Builds the probe for each target. */
public final class Probes {

    private Probes() {
    }

    public static List<Probe> of(List<TargetSpec> targets) {
        // One client for every HTTP target: its connection pool is per host, and it never follows redirects (a
        // redirect to a maintenance page is the status the operator should judge).
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(targets.stream().map(TargetSpec::timeout).max(Duration::compareTo).orElse(Duration.ofSeconds(2)))
                .build();
        return targets.stream().map(t -> of(t, http)).toList();
    }

    static Probe of(TargetSpec target, HttpClient http) {
        return switch (target.kind()) {
            case HTTP -> new HttpProbe(target, http);
            case TCP -> new TcpProbe(target);
            case POSTGRES -> new PostgresProbe(target);
            case DNS -> new DnsProbe(target);
        };
    }
}
