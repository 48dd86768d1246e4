package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.replication.state.PersistedLink.Phase;

import java.util.EnumSet;
import java.util.Set;

/**
 * A replication link's rules: from its state and what happened (a command, or an event of its capture, applier or
 * copy) to the next state, the phase to store first, what the shell must do, and the reason in words. Pure: no I/O,
 * no clock, no threads; {@link ReplicationLink#on} applies a decision on the link's state thread.
 *
 * <p>The rules hold what must never be forgotten at a disaster: a drained or promoted link does not capture again
 * (its source may be the fenced old site), PROMOTED is left only by REVERSE, and a refused command changes nothing.
 */
public final class LinkRules {

    private LinkRules() {
    }

    /** What the shell does after the state moved (or what a refusal keeps it from doing). */
    public enum Effect {
        PAUSE_APPLY, RESUME_APPLY, START_CAPTURE, STOP_CAPTURE, RESTART_CAPTURE_LATER
    }

    /**
     * @param next    the state afterwards (the same state when nothing moves)
     * @param persist the phase stored (and acknowledged) before the state moves, or null
     * @param refusal why a command was refused, or null; a refusal changes nothing
     * @param repeat  the command already ran (a retry whose answer was lost): nothing to do, the same answer again
     */
    public record Decision(LinkState next, Phase persist, Set<Effect> effects, String reason, String refusal,
            boolean repeat) {

        public boolean refused() {
            return refusal != null;
        }

        public boolean does(Effect effect) {
            return effects.contains(effect);
        }
    }

    /** What happened to the link. */
    public sealed interface Input {
        /** Stored before a restart: what a command did then still holds. */
        record Restored(Phase phase, String where) implements Input { }
        /** Only the reason changes (a source unreachable, the preparation's summary). */
        record Note(String reason) implements Input { }
        record Pause(String why) implements Input { }
        record Resume(String why) implements Input { }
        /**
         * @param toSourceEnd        whether a link DRAINED short of its source's end is drained again (an unplanned
         *                           promotion takes what it has)
         * @param drainedToSourceEnd whether the last drain captured the source's WAL to where it stood
         */
        record Drain(String why, boolean toSourceEnd, boolean drainedToSourceEnd, String source) implements Input { }
        record Drained(String summary) implements Input { }
        record DrainAgainFailed(String error) implements Input { }
        record PromotionRefused(String reason) implements Input { }
        record Promoted(String summary) implements Input { }
        /** @param currentSource the link's source now; a REVERSE to it that already ran is a repeat */
        record Reverse(String why, String newSource, String currentSource) implements Input { }
        record ReverseDidNotRun(String error) implements Input { }
        record Reversed(String from, String to) implements Input { }
        record CopyingAfterReverse(String from, String to, long strandedChanges, String quarantine) implements Input { }
        record Resync() implements Input { }
        record CaptureStarts(String source) implements Input { }
        record Produced(String slot) implements Input { }
        record CaptureStopped() implements Input { }
        record TableStopped(String reason) implements Input { }
        record TableResumed(String table) implements Input { }
        record Gap(String reason) implements Input { }
        record CopyStarts(int tables, String source) implements Input { }
        record CopyDone(int tables, String slot) implements Input { }
        /** The databases' records contradict the link's direction, or tables lack a primary key. */
        record CannotRun(String reason) implements Input { }
    }

    /** The one rule "capture stays stopped": a command holds the link, and its source may be a fenced site. */
    public static boolean captureStopsHere(LinkState state) {
        return state == LinkState.DRAINING || state == LinkState.DRAINED || state == LinkState.PROMOTED
                || state == LinkState.REVERSING;
    }

    public static Decision on(LinkState state, String reason, Input input) {
        if (input instanceof Input.Restored r) {
            return move(switch (r.phase()) {
                case PAUSED -> LinkState.PAUSED;
                case DRAINED -> LinkState.DRAINED;
                case PROMOTED -> LinkState.PROMOTED;
                case RUNNING -> state;
            }, "restored from " + r.where());
        }
        if (input instanceof Input.Note n) {
            return move(state, n.reason());
        }
        if (input instanceof Input.Pause p) {
            return state == LinkState.PROMOTED || state == LinkState.DRAINED
                    ? refuse(state, reason, "is " + state + "; there is nothing to pause")
                    // Capture goes on: the changes keep leaving the source and wait in Kafka: the recovery point
                    // holds.
                    : new Decision(LinkState.PAUSED, Phase.PAUSED, EnumSet.of(Effect.PAUSE_APPLY), p.why(), null,
                    false);
        }
        if (input instanceof Input.Resume r) {
            return state != LinkState.PAUSED
                    ? refuse(state, reason, "is " + state + ", not PAUSED")
                    : new Decision(LinkState.STREAMING, Phase.RUNNING, EnumSet.of(Effect.RESUME_APPLY), r.why(), null,
                    false);
        }
        if (input instanceof Input.Drain d) {
            return drain(state, reason, d);
        }
        if (input instanceof Input.Drained d) {
            return new Decision(LinkState.DRAINED, Phase.DRAINED, none(), "drained: " + d.summary(),
                    null, false);
        }
        if (input instanceof Input.DrainAgainFailed f) {
            return move(LinkState.DRAINED, "draining again failed, still drained as before: "
                    + f.error());
        }
        if (input instanceof Input.PromotionRefused p) {
            return move(LinkState.DRAINED, p.reason());
        }
        if (input instanceof Input.Promoted p) {
            return new Decision(LinkState.PROMOTED, Phase.PROMOTED, none(), p.summary(), null, false);
        }
        if (input instanceof Input.Reverse r) {
            return reverse(state, reason, r);
        }
        if (input instanceof Input.ReverseDidNotRun f) {
            return move(LinkState.PROMOTED, "REVERSE did not run, the link stays PROMOTED: "
                    + f.error());
        }
        // The new direction is stored by the reversal itself, before it starts (it names the new sites).
        if (input instanceof Input.Reversed r) {
            return move(LinkState.STARTING, "reversed: " + r.from() + " → " + r.to());
        }
        if (input instanceof Input.CopyingAfterReverse c) {
            return move(LinkState.SNAPSHOTTING, "reversed: " + c.from() + " → " + c.to()
                    + ", " + c.strandedChanges() + " stranded changes kept in " + c.quarantine() + " at " + c.from());
        }
        if (input instanceof Input.Resync r) {
            return move(LinkState.SNAPSHOTTING, "resync after a gap: copying every table again");
        }
        if (input instanceof Input.CaptureStarts c) {
            return captureStarts(state, reason, c);
        }
        if (input instanceof Input.Produced p) {
            return state == LinkState.STARTING
                    ? move(LinkState.STREAMING, "streaming from slot " + p.slot()) : stay(state, reason);
        }
        if (input instanceof Input.CaptureStopped c) {
            return captureStopsHere(state) ? stay(state, reason)
                    // An engine that ends by itself, even "successfully", leaves a link that streams nothing.
                    : new Decision(state, null, EnumSet.of(Effect.RESTART_CAPTURE_LATER), reason, null, false);
        }
        if (input instanceof Input.TableStopped t) {
            return move(LinkState.STALLED, t.reason());
        }
        if (input instanceof Input.TableResumed t) {
            return state == LinkState.STALLED
                    ? move(LinkState.STREAMING, "table " + t.table() + " resumed") : stay(state, reason);
        }
        if (input instanceof Input.Gap g) {
            return move(LinkState.FAILED, g.reason());
        }
        if (input instanceof Input.CopyStarts c) {
            return state == LinkState.STARTING || state == LinkState.STREAMING
                    ? move(LinkState.SNAPSHOTTING, "copying " + c.tables() + " tables from " + c.source())
                    : stay(state, reason);
        }
        if (input instanceof Input.CopyDone c) {
            return state == LinkState.SNAPSHOTTING
                    ? move(LinkState.STREAMING, "copied " + c.tables() + " tables; streaming from slot " + c.slot())
                    : stay(state, reason);
        }
        if (input instanceof Input.CannotRun c) {
            return new Decision(LinkState.FAILED, null, EnumSet.of(Effect.STOP_CAPTURE), c.reason(),
                    null, false);
        }
        throw new IllegalArgumentException("no rule for " + input);
    }

    private static Decision drain(LinkState state, String reason, Input.Drain d) {
        boolean again = state == LinkState.DRAINED && !d.drainedToSourceEnd() && d.toSourceEnd();
        if (state == LinkState.PROMOTED || (state == LinkState.DRAINED && !again)) {
            return new Decision(state, null, none(), reason, null, true);
        }
        if (!again) {
            return move(LinkState.DRAINING, d.why());
        }
        // The last drain is not known to have captured the source's WAL to its end: capture again, then drain.
        return new Decision(LinkState.DRAINING, null, EnumSet.of(Effect.START_CAPTURE), "draining again, capture"
                + " resuming from its stored offsets if " + d.source() + " answers: the last drain is not known to have"
                + " reached the end of its WAL (" + reason + "); " + d.why(), null, false);
    }

    private static Decision reverse(LinkState state, String reason, Input.Reverse r) {
        if (r.newSource() != null && r.newSource().equals(r.currentSource()) && state != LinkState.PROMOTED) {
            return new Decision(state, null, none(), reason, null, true);
        }
        if (state != LinkState.PROMOTED) {
            return refuse(state, reason, "is " + state + "; REVERSE needs a PROMOTED link (drain and promote first)");
        }
        return move(LinkState.REVERSING, r.why());
    }

    private static Decision captureStarts(LinkState state, String reason, Input.CaptureStarts c) {
        // A restart scheduled before a drain or reversal took the link must not start capture behind its back; a
        // drain itself (DRAINING) may start it, to capture to the source's end.
        if (state == LinkState.DRAINED || state == LinkState.PROMOTED || state == LinkState.REVERSING) {
            return refuse(state, reason, "is " + state + ": capture stays stopped");
        }
        boolean keeps = state == LinkState.PAUSED || state == LinkState.SNAPSHOTTING || state == LinkState.STREAMING
                || state == LinkState.DRAINING;
        return new Decision(keeps ? state : LinkState.STARTING, null, EnumSet.of(Effect.START_CAPTURE),
                keeps ? reason : "capture starting from " + c.source(), null, false);
    }

    private static Decision move(LinkState next, String why) {
        return new Decision(next, null, none(), why, null, false);
    }

    private static Decision stay(LinkState state, String reason) {
        return new Decision(state, null, none(), reason, null, false);
    }

    private static Decision refuse(LinkState state, String reason, String why) {
        return new Decision(state, null, none(), reason, why, false);
    }

    private static Set<Effect> none() {
        return EnumSet.noneOf(Effect.class);
    }
}
