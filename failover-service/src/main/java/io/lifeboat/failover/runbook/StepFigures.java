package io.lifeboat.failover.runbook;

import io.lifeboat.events.FailoverStep;
import io.lifeboat.events.ReplicationLag;
import io.lifeboat.events.StepStatus;
import io.lifeboat.events.WorkProgress;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Run;
import io.lifeboat.failover.state.StepProgress;
import io.lifeboat.failover.state.StepState;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * The figures a running step shows while it waits for long work (a copy of tables after a REVERSE, a reconcile of a
 * bucket): a {@link StepStatus#PROGRESS} step event with the links' own figures from the lag feed. Pure; the shell
 * sends one every few seconds. Nothing is decided here: the figures only tell people how far the work has got.
 */
public final class StepFigures {

    private StepFigures() {
    }

    /** The event for the current step, when a run is in one and a link reports work under way. */
    public static Optional<FailoverStep> of(DrState state, Collection<ReplicationLag> lags, Instant now) {
        Run run = state.run();
        StepProgress step = run == null ? null : run.current();
        if (step == null || step.status() != StepState.RUNNING) {
            return Optional.empty();
        }
        // The link furthest from done speaks for the step: it is the one the step waits for longest.
        return lags.stream().filter(l -> l.progress() != null)
                .max(Comparator.comparing((ReplicationLag l) -> l.progress().secondsLeft() == null ? Long.MAX_VALUE
                        : l.progress().secondsLeft()))
                .map(l -> new FailoverStep(run.runId(), run.kind().name(), run.epoch(), step.number(), step.name(),
                        StepStatus.PROGRESS, null, words(l.linkId(), l.progress()), now, l.progress()));
    }

    /** "link main: 1200000 of 5000000 rows (24 %), 240000/s, 15 s left; tables 3/7, 412 MB". */
    static String words(String linkId, WorkProgress p) {
        StringBuilder s = new StringBuilder("link ").append(linkId).append(": ").append(p.done());
        if (p.total() != null) {
            s.append(" of ").append(p.total());
        }
        s.append(' ').append(p.unit());
        if (p.percent() != null) {
            s.append(" (").append(Math.round(p.percent())).append(" %)");
        }
        s.append(", ").append(Math.round(p.perSecond())).append("/s");
        if (p.secondsLeft() != null) {
            s.append(", ").append(p.secondsLeft()).append(" s left");
        }
        if (p.detail() != null) {
            s.append("; ").append(p.detail());
        }
        return s.toString();
    }
}
