package io.lifeboat.heartbeat.testing;

import io.lifeboat.events.db.PostgresTls;
import io.lifeboat.heartbeat.config.StatusRange;
import io.lifeboat.heartbeat.config.TargetKind;
import io.lifeboat.heartbeat.config.TargetSpec;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Target specs for tests, without going through configuration. */
public final class Targets {

    private Targets() {
    }

    public static TargetSpec http(String site, String url, Duration timeout) {
        return new TargetSpec(site, "web", TargetKind.HTTP, url, url, true, timeout, StatusRange.parse("200-399"),
                Optional.empty(), Optional.empty(), Optional.empty(), null, null, List.of(), PostgresTls.NONE);
    }

    public static TargetSpec httpExpecting(String site, String url, String body) {
        return new TargetSpec(site, "web", TargetKind.HTTP, url, url, true, Duration.ofMillis(1500),
                StatusRange.parse("200"), Optional.of(body), Optional.empty(), Optional.empty(), null, null, List.of(), PostgresTls.NONE);
    }

    public static TargetSpec tcp(String site, String hostPort) {
        String url = "tcp://" + hostPort;
        return new TargetSpec(site, "port", TargetKind.TCP, url, url, false, Duration.ofMillis(1500),
                StatusRange.parse("200"), Optional.empty(), Optional.empty(), Optional.empty(), null, null, List.of(), PostgresTls.NONE);
    }

    public static TargetSpec postgres(String site, String jdbcUrl, String user, String password, Duration timeout) {
        return postgres(site, jdbcUrl, user, password, timeout, PostgresTls.NONE);
    }

    public static TargetSpec postgres(String site, String jdbcUrl, String user, String password, Duration timeout,
            PostgresTls tls) {
        return new TargetSpec(site, "db", TargetKind.POSTGRES, jdbcUrl, jdbcUrl, false, timeout,
                StatusRange.parse("200"), Optional.empty(), Optional.of(user), Optional.of(password), null, null,
                List.of(), tls);
    }

    public static TargetSpec dns(String site, String host, int port, String name, List<String> expect) {
        String url = "dns://" + host + ":" + port + "/" + name;
        return new TargetSpec(site, "dns", TargetKind.DNS, url, url, false, Duration.ofMillis(1500),
                StatusRange.parse("200"), Optional.empty(), Optional.empty(), Optional.empty(),
                URI.create("dns://" + host + ":" + port), name.endsWith(".") ? name : name + ".", expect, PostgresTls.NONE);
    }
}
