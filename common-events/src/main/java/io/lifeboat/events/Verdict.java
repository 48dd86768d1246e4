package io.lifeboat.events;

/** What the observers, together, think of a site. */
public enum Verdict {
    /** Not enough observations yet. */
    UNKNOWN,
    UP,
    /** Some targets failing, failing at a minority of observers, or flapping. */
    DEGRADED,
    /** A quorum of observers sees every critical target failing. */
    DOWN
}
