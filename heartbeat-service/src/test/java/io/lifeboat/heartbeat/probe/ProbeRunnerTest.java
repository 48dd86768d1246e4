package io.lifeboat.heartbeat.probe;

import io.lifeboat.events.HeartbeatObserved;
import io.lifeboat.heartbeat.testing.HealthPage;
import io.lifeboat.heartbeat.testing.Targets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Probes against real HTTP servers and sockets on 127.0.0.1. */
class ProbeRunnerTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private final HealthPage page = HealthPage.start();
    private final HealthPage other = HealthPage.start();
    private final List<HeartbeatObserved> heartbeats = new CopyOnWriteArrayList<>();
    private final ObserverIdentity observer = new ObserverIdentity("obs-a", "eu-west");

    @AfterEach
    void stop() {
        page.close();
        other.close();
    }

    private HeartbeatObserved probeOnce(Probe probe) {
        return new ProbeRunner(List.of(probe), observer, heartbeats::add, Clock.systemUTC()).runRound().thenApply(v -> heartbeats.get(0)).join();
    }

    private Probe http(HealthPage target) {
        return Probes.of(List.of(Targets.http("home", target.url(), TIMEOUT))).get(0);
    }

    @Test
    void aHealthyPageIsOkAndTheHeartbeatSaysWhoProbedWhat() {
        HeartbeatObserved h = probeOnce(http(page));

        assertThat(h.ok()).isTrue();
        assertThat(h.siteId()).isEqualTo("home");
        assertThat(h.target()).isEqualTo(page.url());
        assertThat(h.targetKind()).isEqualTo("HTTP");
        assertThat(h.critical()).isTrue();
        assertThat(h.observerId()).isEqualTo("obs-a");
        assertThat(h.location()).isEqualTo("eu-west");
        assertThat(h.errorClass()).isNull();
        assertThat(h.observedAt()).isNotNull();
    }

    @Test
    void aStatus500IsAStatusFailure() {
        page.error();
        HeartbeatObserved h = probeOnce(http(page));
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("STATUS");
        assertThat(h.errorMessage()).isEqualTo("HTTP 500, expected 200-399");
    }

    @Test
    void aStoppedServerIsRefused() {
        page.stop();
        HeartbeatObserved h = probeOnce(http(page));
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("REFUSED");
    }

    @Test
    void aHangingServerIsATimeoutBoundedByItsTimeout() {
        page.hang();
        HeartbeatObserved h = probeOnce(http(page));
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("TIMEOUT");
        assertThat(h.latencyMs()).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50);
    }

    @Test
    void aMissingBodyTextIsABodyFailure() {
        HeartbeatObserved h = probeOnce(Probes.of(List.of(Targets.httpExpecting("home", page.url(), "\"READY\""))).get(0));
        assertThat(h.ok()).isFalse();
        assertThat(h.errorClass()).isEqualTo("BODY");
        heartbeats.clear();
        HeartbeatObserved up = probeOnce(Probes.of(List.of(Targets.httpExpecting("home", page.url(), "\"UP\""))).get(0));
        assertThat(up.ok()).as(up.errorMessage()).isTrue();
    }

    @Test
    void aHangingTargetDelaysNoOtherProbe() {
        page.hang();
        ProbeRunner runner = new ProbeRunner(Probes.of(List.of(Targets.http("home", page.url(), Duration.ofSeconds(5)),
                Targets.http("offsite", other.url(), TIMEOUT))), observer, heartbeats::add, Clock.systemUTC());

        runner.runRound();

        // The healthy target's heartbeat arrives while the hanging one is still outstanding.
        await().atMost(Duration.ofSeconds(4)).until(() -> heartbeats.stream().anyMatch(h -> h.siteId().equals("offsite")));
        assertThat(heartbeats).extracting(HeartbeatObserved::siteId).containsExactly("offsite");
        assertThat(heartbeats.get(0).ok()).isTrue();
        runner.close();
    }

    @Test
    void aProbeStillRunningIsReportedFailedWithoutStartingASecond() throws Exception {
        page.hang();
        // A probe that ignores its own timeout, as a stuck driver would: the runner's bound still holds.
        Probe stuck = new Probe() {
            final Probe inner = Probes.of(TargetsHolder.hanging(page)).get(0);

            @Override
            public io.lifeboat.heartbeat.config.TargetSpec target() {
                return Targets.http("home", page.url(), Duration.ofMillis(300));
            }

            @Override
            public ProbeResult run() {
                return inner.run();
            }
        };
        ProbeRunner runner = new ProbeRunner(List.of(stuck), observer, heartbeats::add, Clock.systemUTC());

        runner.runRound().join();
        runner.runRound().join();

        assertThat(heartbeats).hasSize(2).allMatch(h -> "TIMEOUT".equals(h.errorClass()));
        assertThat(heartbeats.get(1).errorMessage()).contains("has still not finished");
        assertThat(page.requests()).isEqualTo(1);
        runner.close();
    }

    @Test
    void tcpConnectsOrIsRefused() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Probe tcp = Probes.of(List.of(Targets.tcp("home", "127.0.0.1:" + socket.getLocalPort()))).get(0);
            assertThat(probeOnce(tcp).ok()).isTrue();
            heartbeats.clear();
            socket.close();
            HeartbeatObserved refused = probeOnce(tcp);
            assertThat(refused.ok()).isFalse();
            assertThat(refused.errorClass()).isEqualTo("REFUSED");
            assertThat(refused.targetKind()).isEqualTo("TCP");
        }
    }

    /** A target whose own timeout is far longer than the runner's bound. */
    private static final class TargetsHolder {
        static List<io.lifeboat.heartbeat.config.TargetSpec> hanging(HealthPage page) {
            return List.of(Targets.http("home", page.url(), Duration.ofSeconds(10)));
        }
    }
}
