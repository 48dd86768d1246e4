package io.lifeboat.replication.link;

import io.lifeboat.events.Severity;
import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.state.PersistedLink;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The link's stored direction against what its databases say of themselves ({@link SiteRole}). A pure rule: the
 * link's record (Kafka) can be lost or stale; if it is, running the link would guard and overwrite the database
 * that now takes the writes, so the link refuses to run and says which database says what.
 *
 * <ul>
 *   <li>the target says ACTIVE while the link is not PROMOTED: it is the live database, not a standby;</li>
 *   <li>a link that still reads its source (not PROMOTED): the source says STANDBY (a copy, the writes are
 *       elsewhere), or FENCED at an epoch newer than the link's record (the record missed that command).</li>
 * </ul>
 * A database without a record (or not reachable) contradicts nothing.
 */
public final class DirectionCheck {

    private DirectionCheck() {
    }

    /**
     * Reads both databases' records (one that cannot be reached says nothing) and applies the rule. On a
     * contradiction the link neither captures nor applies nor guards: it is FAILED with the reason and raises an
     * alert, and its commands other than FENCE and UNFENCE are refused.
     *
     * @return whether the link refused to run
     */
    static boolean refused(ReplicationLink link) {
        LinkDefinition d = link.definition;
        Optional<String> contradiction = contradiction(d.source().site(), d.target().site(), link.phase, link.epoch,
                stored(link, d.source()), stored(link, d.target()));
        if (contradiction.isEmpty()) {
            return false;
        }
        link.refusedToRun = "refused to run: " + contradiction.get() + ". Check which is right, correct the"
                + " database's record (" + SiteRole.TABLE + ") or the link's (" + link.env.states().topic()
                + "), then restart the service";
        if (link.on(new LinkRules.Input.CannotRun(link.refusedToRun)).does(LinkRules.Effect.STOP_CAPTURE)) {
            link.stopCapture();
        }
        if (link.applier != null) {
            link.applier.close();
        }
        link.alerts.raise("DIRECTION_CONTRADICTED", "direction", Severity.CRITICAL, d.target().site(),
                link.refusedToRun, Map.of());
        return true;
    }

    private static Optional<SiteRole.Stored> stored(ReplicationLink link, PgEndpoint endpoint) {
        try (Connection c = endpoint.connect("lifeboat-direction-" + link.id())) {
            return SiteRole.read(c);
        } catch (SQLException unreachable) {
            ReplicationLink.LOG.infof("link %s: the role record of %s not read (%s); checked again when it answers",
                    link.id(), endpoint, unreachable.getMessage().lines().findFirst().orElse(""));
            return Optional.empty();
        }
    }

    /** @return why the link must not run, or empty when nothing contradicts its record */
    public static Optional<String> contradiction(String sourceSite, String targetSite, PersistedLink.Phase phase,
            long linkEpoch, Optional<SiteRole.Stored> source, Optional<SiteRole.Stored> target) {
        String record = "the link's stored record says " + sourceSite + " → " + targetSite + ", " + phase
                + ", epoch " + linkEpoch;
        if (phase == PersistedLink.Phase.PROMOTED) {
            return Optional.empty(); // the target is meant to be active; the source is not read any more
        }
        if (target.isPresent() && target.get().role() == SiteRole.Role.ACTIVE) {
            return Optional.of("target database at " + targetSite + " says it is " + target.get() + ", but " + record
                    + ": applying to it would overwrite the live database");
        }
        if (source.isPresent() && source.get().role() == SiteRole.Role.STANDBY) {
            return Optional.of("source database at " + sourceSite + " says it is " + source.get() + ", but " + record
                    + ": it is a copy, the writes are elsewhere");
        }
        if (source.isPresent() && source.get().role() == SiteRole.Role.FENCED && source.get().epoch() > linkEpoch) {
            return Optional.of("source database at " + sourceSite + " says it is " + source.get() + ", newer than "
                    + record + ": the record missed that command");
        }
        return Optional.empty();
    }
}
