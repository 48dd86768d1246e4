package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

/**
 * What every probe does around its own check: measure the latency from its start, and turn whatever the check
 * throws into a failed result ({@link Failures}), so that {@link #run()} never throws.
 */
abstract class TimedProbe implements Probe {

    protected final TargetSpec target;

    TimedProbe(TargetSpec target) {
        this.target = target;
    }

    @Override
    public final TargetSpec target() {
        return target;
    }

    @Override
    public final ProbeResult run() {
        long start = System.nanoTime();
        try {
            return check(start);
        } catch (Exception e) {
            return failure(e, millisSince(start));
        }
    }

    /** @param start {@code System.nanoTime()} when the probe began: the latency is {@link #millisSince}(start) */
    protected abstract ProbeResult check(long start) throws Exception;

    /** The result of a check that threw; a protocol with its own classes of failure says so here. */
    protected ProbeResult failure(Exception e, long latencyMs) {
        return Failures.of(e, latencyMs);
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
