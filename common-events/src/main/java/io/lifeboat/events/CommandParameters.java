package io.lifeboat.events;

import java.time.Instant;

/**
 * What a command needs besides its name and target, typed; made by one factory per command. A field a command does
 * not use is null, and left out of the JSON.
 *
 * <p>Producers before this record wrote a map of strings ({@code "planned": "true"}); such a message still reads:
 * the schema accepts "true"/"false" for the flags and Jackson turns them into booleans.
 *
 * @param sourceLostAt PROMOTE in an outage: when the source was lost, the end of the data-loss window
 * @param planned      PROMOTE in a switchover (source fenced and answering): nothing may be lost
 * @param source       REVERSE: the site that becomes the source of the link
 * @param force        REVERSE: go ahead past the link's own checks
 * @param newActive    FENCE: the site that becomes (or is) active instead of the fenced one
 * @param onReturn     FENCE: sent because a site lost unfenced answered again
 * @param site         PROMOTE: the site that becomes active (for people reading the command)
 */
public record CommandParameters(Instant sourceLostAt, Boolean planned, String source, Boolean force,
        String newActive, Boolean onReturn, String site) {

    private static final CommandParameters NONE = new CommandParameters(null, null, null, null, null, null, null);

    /** For a command that needs nothing more (PAUSE, RESUME, DRAIN, RECONCILE, UNFENCE). */
    public static CommandParameters none() {
        return NONE;
    }

    /** PROMOTE after the source was lost at {@code sourceLostAt}: the window is measured up to then. */
    public static CommandParameters promote(String site, Instant sourceLostAt) {
        return new CommandParameters(sourceLostAt, null, null, null, null, null, site);
    }

    /** PROMOTE in a planned switchover: refused rather than losing anything. */
    public static CommandParameters plannedPromote(String site) {
        return new CommandParameters(null, true, null, null, null, null, site);
    }

    /** REVERSE the link so that {@code newSource} is its source. */
    public static CommandParameters reverse(String newSource, boolean force) {
        return new CommandParameters(null, null, newSource, trueOrAbsent(force), null, null, null);
    }

    /** FENCE a site, {@code newActive} taking its place; {@code onReturn} when it is fenced as it answers again. */
    public static CommandParameters fence(String newActive, boolean onReturn) {
        return new CommandParameters(null, null, null, null, newActive, trueOrAbsent(onReturn), null);
    }

    /** A flag that is off is left out, as producers always did: readers take absent as false. */
    private static Boolean trueOrAbsent(boolean flag) {
        return flag ? Boolean.TRUE : null;
    }
}
