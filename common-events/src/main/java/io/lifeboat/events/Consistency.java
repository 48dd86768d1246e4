package io.lifeboat.events;

/** Whether a link's standby holds a state its source really had, and if not, what is missing. */
public enum Consistency {
    /** The initial copy is done for every table, no table is stopped, no gap in the change stream. */
    CONSISTENT,
    /** The initial copy (or the copy of a table added later) has not finished: some tables are empty or partial. */
    COPYING,
    /** A table is stopped at a change the target refuses: it falls behind the others. */
    TABLE_STOPPED,
    /** The change stream has a gap (the applier's stored position is no longer in the log). */
    GAP,
    /** Not known yet (the link has just started and has not read its own state back). */
    UNKNOWN
}
