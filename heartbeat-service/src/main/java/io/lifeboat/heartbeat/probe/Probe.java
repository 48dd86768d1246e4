package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;

/**
 * Probes one target, once. Blocking, and bounded by the target's timeout as well as the protocol allows;
 * {@link ProbeRunner} enforces the bound regardless and runs every probe on its own thread.
 */
public interface Probe {

    TargetSpec target();

    /** Never throws: every failure is a result. */
    ProbeResult run();
}
