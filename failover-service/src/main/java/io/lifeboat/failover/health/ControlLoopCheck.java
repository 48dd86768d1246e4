package io.lifeboat.failover.health;

import io.lifeboat.failover.FailoverLoop;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import java.time.Duration;
import java.time.Instant;

/** Live while the control loop turns (leader or follower); reports whether this instance leads and why. */
@Liveness
@ApplicationScoped
public class ControlLoopCheck implements HealthCheck {

    private static final Duration STALLED = Duration.ofSeconds(60);

    private final FailoverLoop loop;

    ControlLoopCheck(FailoverLoop loop) {
        this.loop = loop;
    }

    @Override
    public HealthCheckResponse call() {
        Instant last = loop.lastCycle();
        boolean turning = last == null || Duration.between(last, Instant.now()).compareTo(STALLED) < 0;
        return HealthCheckResponse.named("failover-control-loop").status(turning)
                .withData("leader", loop.isLeader())
                .withData("phase", loop.current().map(s -> s.phase().name()).orElse("unknown"))
                .withData("lastReason", String.valueOf(loop.lastReason()))
                .build();
    }
}
