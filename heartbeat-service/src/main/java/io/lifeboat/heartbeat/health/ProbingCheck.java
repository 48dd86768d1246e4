package io.lifeboat.heartbeat.health;

import io.lifeboat.heartbeat.service.ProbeService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.time.Instant;

/** Alive while probe rounds keep starting: a stuck scheduler is an observer that has silently gone blind. */
@Liveness
@ApplicationScoped
public class ProbingCheck implements HealthCheck {

    private final ProbeService probes;
    private final Instant startedAt = Instant.now();

    ProbingCheck(ProbeService probes) {
        this.probes = probes;
    }

    @Override
    public HealthCheckResponse call() {
        Duration allowed = probes.interval().multipliedBy(5).plusSeconds(30);
        Instant last = probes.lastRound() == null ? startedAt : probes.lastRound();
        boolean alive = probes.targets().isEmpty() || Duration.between(last, Instant.now()).compareTo(allowed) < 0;
        return HealthCheckResponse.named("probing").status(alive)
                .withData("targets", probes.targets().size())
                .withData("lastRound", probes.lastRound() == null ? "none yet" : probes.lastRound().toString())
                .build();
    }
}
