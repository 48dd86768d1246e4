package io.lifeboat.failover.state;

import java.time.Instant;

/**
 * What starts a run, as the rules decided it: built by name ({@link #failover}, {@link #failback}) so that no caller
 * lines up a row of positional values.
 *
 * @param outageSince when the lost site was first seen failing (a failover in an outage), or null (planned)
 * @param why         the decision's reason, kept with the run and in its commands
 * @param decidedBy   this instance (automatic) or the operator
 * @param forced      whether an operator went past the problems the checks found
 */
public record RunStart(RunKind kind, String fromSite, String toSite, Instant outageSince, String why,
        String decidedBy, boolean forced) {

    /** From the active site to the standby; {@code outageSince} null when nothing is failing (planned). */
    public static RunStart failover(String from, String to, Instant outageSince, String why, String decidedBy) {
        return new RunStart(RunKind.FAILOVER, from, to, outageSince, why, decidedBy, false);
    }

    /** Back home from the DR site: always planned, so no outage. */
    public static RunStart failback(String from, String home, String why, String decidedBy) {
        return new RunStart(RunKind.FAILBACK, from, home, null, why, decidedBy, false);
    }

    /** The same start, marked as forced past the checks when {@code force} is set. */
    public RunStart forcedIf(boolean force) {
        return new RunStart(kind, fromSite, toSite, outageSince, why, decidedBy, force);
    }
}
