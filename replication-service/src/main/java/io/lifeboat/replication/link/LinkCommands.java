package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.PromotionResult;
import io.lifeboat.replication.apply.ApplierStatus;
import io.lifeboat.replication.apply.Drained;
import io.lifeboat.replication.source.ChangeSource;
import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.ComparisonSessions;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.quarantine.PartialTransactions;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The commands that move a link (PAUSE, RESUME, DRAIN, PROMOTE, REVERSE; FENCE and UNFENCE are a site's, see
 * {@link SiteFence}), one at a time: every method is
 * synchronized on this object, so a command sees the link as the previous one left it.
 */
public final class LinkCommands {

    private static final Logger LOG = Logger.getLogger(LinkCommands.class);

    private final ReplicationLink link;
    /** Whether the last drain captured everything the source had written when it began (the source answered). */
    private volatile boolean drainedToSourceEnd;

    LinkCommands(ReplicationLink link) {
        this.link = link;
    }

    public synchronized String pause(String why) {
        decided(new LinkRules.Input.Pause(why));
        link.applier.pause();
        return "applying paused; capture goes on into Kafka";
    }

    public synchronized String resume(String why) {
        decided(new LinkRules.Input.Resume(why));
        link.applier.resume();
        return "applying resumed";
    }

    /** The link's decision on a command; a refusal is thrown with the rules' words. */
    private LinkRules.Decision decided(LinkRules.Input command) {
        LinkRules.Decision d = link.on(command);
        if (d.refused()) {
            throw new ReplicationLink.Refused("link " + link.id() + " " + d.refusal());
        }
        return d;
    }

    /** Applies everything the source has produced, then stops both halves. */
    public synchronized Map<String, String> drain(String why) throws Exception {
        return drain(why, true).details;
    }

    private record DrainOutcome(Map<String, String> details, Drained drained) {
    }

    /**
     * @param toSourceEnd whether a link already DRAINED short of the source's end (or not known to have reached it,
     *                    after a restart) is drained again; an unplanned promotion takes what it has
     */
    private DrainOutcome drain(String why, boolean toSourceEnd) throws Exception {
        LinkRules.Decision start = decided(new LinkRules.Input.Drain(why, toSourceEnd, drainedToSourceEnd,
                link.definition.source().site()));
        if (start.repeat()) {
            return new DrainOutcome(finalPosition(), null);
        }
        boolean again = start.does(LinkRules.Effect.START_CAPTURE);
        drainedToSourceEnd = false;
        String sourceNote;
        Drained done;
        try {
            if (again) {
                try {
                    link.preflight(); // also fills in the tables when the source was away at start
                    link.startCapture(); // the link is DRAINING: capture to the source's end, then stop
                } catch (SQLException unreachable) {
                    // No capture is started: catchUpWithSource finds the source unreachable too and says so.
                }
            }
            sourceNote = catchUpWithSource();
            if (!link.stopCapture()) {
                sourceNote += "; the capture did not stop within " + ChangeSource.STOP_BOUND.toSeconds()
                        + " s (waiting on the source) and was sealed: Kafka holds nothing it read after the stop";
            }
            done = link.applier.drain().get(link.definition.drainTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (again) {
                // The stored phase is still DRAINED, and so is the link: a later retry drains again.
                link.stopCapture();
                link.on(new LinkRules.Input.DrainAgainFailed(e.getMessage()));
            }
            throw e;
        }
        String partial = done.partial() ? "; a transaction whose END never arrived (records " + done.partialFrom()
                + ".." + (done.partialTo() - 1) + ") was not applied" : "";
        link.on(new LinkRules.Input.Drained(sourceNote + "; applied up to "
                + ReplicationLink.positionText(done.status().applied()) + partial));
        Map<String, String> details = new LinkedHashMap<>(finalPosition());
        details.put("source", sourceNote);
        return new DrainOutcome(details, done);
    }

    /** If the source answers, waits until capture has passed its current WAL position. */
    private String catchUpWithSource() throws InterruptedException {
        LinkDefinition d = link.definition;
        long targetLsn;
        try {
            targetLsn = CaptureWait.sourceWal(d.source(), link.id());
        } catch (SQLException unreachable) {
            return "source unreachable (" + unreachable.getMessage().lines().findFirst().orElse("") + "): applied what"
                    + " Kafka holds";
        }
        drainedToSourceEnd = CaptureWait.captured(link, targetLsn, d.drainTimeout());
        return drainedToSourceEnd ? "source reachable, captured past its WAL position " + SourcePosition.lsnText(targetLsn)
                : "source reachable but capture did not reach " + SourcePosition.lsnText(targetLsn) + " within "
                + d.drainTimeout().toSeconds() + " s";
    }

    boolean drainedToSourceEnd() {
        return drainedToSourceEnd;
    }

    /**
     * Drain, keep a transaction whose END never came in the quarantine, move sequences past the data, lift the
     * guard. {@code sourceLostAt} (null: now) gives the data-loss window: the source's commit time of the last
     * applied change against it. A {@code planned} promotion (a switchover with the source fenced and answering)
     * loses nothing or does not happen: its window is 0 when the drain captured the source's WAL up to where it
     * stood, and it is refused otherwise.
     */
    public synchronized Promoted promote(Instant sourceLostAt, boolean planned, String why) throws Exception {
        LinkDefinition d = link.definition;
        if (link.state() == LinkState.PROMOTED) {
            // A retry of a PROMOTE whose answer was lost: the same outcome again, not a refusal that strands a runbook.
            Map<String, String> again = new LinkedHashMap<>();
            again.put("result", "link " + link.id() + " is already PROMOTED at " + d.target().site());
            afterPromotion(again, why);
            return new Promoted(again, result(planned, null, null, 0, true));
        }
        DrainOutcome drain = drain("drain before promotion: " + why, planned);
        Map<String, String> details = new LinkedHashMap<>(drain.details());
        if (planned && (!drainedToSourceEnd || drain.drained() != null && drain.drained().partial())) {
            String refusal = "planned promotion refused: the drain did not capture everything "
                    + d.source().site() + " had written (" + details.getOrDefault("source", "source not checked")
                    + "); promoting now could lose data. PROMOTE again once it answers: the drain then runs again";
            link.on(new LinkRules.Input.PromotionRefused(refusal));
            throw new ReplicationLink.Refused(refusal);
        }
        io.lifeboat.events.StandbyConsistency consistency = link.applier.status().consistency();
        if (planned && !consistency.consistent()) {
            String refusal = "planned promotion refused: the standby at " + d.target().site() + " is not consistent ("
                    + consistency.reason() + "); PROMOTE again once it is";
            link.on(new LinkRules.Input.PromotionRefused(refusal));
            throw new ReplicationLink.Refused(refusal);
        }
        Drained drained = drain.drained();
        long[] partialChanges = {0};
        Map<String, TableShape> tables = retryingDeadlocks(c -> {
            if (drained != null && drained.partial()) {
                Map<String, Long> kept = PartialTransactions.quarantine(link.env.kafka(), link.topic,
                        drained.partialFrom(), drained.partialTo(), c, link.id(), link.epoch, d.source().site());
                long n = kept.values().stream().mapToLong(Long::longValue).sum();
                partialChanges[0] = n;
                details.put("partialTransactionChanges", Long.toString(n));
                kept.forEach((table, count) -> details.put("partial." + table, Long.toString(count)));
                LOG.warnf("link %s: a transaction whose END never reached Kafka: %d changes kept in the quarantine"
                        + " at %s, not applied: %s", link.id(), n, d.target().site(), kept);
            }
            Map<String, TableShape> t = link.replicated(TableCatalog.read(c, d.schemas()));
            details.put("sequencesAdvanced", Integer.toString(SiteGuard.advanceSequences(c, t.values())));
            return t;
        });
        // A comparison under way holds a share lock on every table it read: the guard's lift would wait for it.
        int comparisonsEnded = retryingDeadlocks(c -> ComparisonSessions.end(c, link.id()));
        if (comparisonsEnded > 0) {
            details.put("comparisonSessionsEnded", Integer.toString(comparisonsEnded));
        }
        details.put("promotionSlot", PromotionSlot.create(d, tables.values()));
        // One table per transaction: dropping a guard locks its table, and a transaction that holds one such lock
        // while it waits for the next can deadlock with readers of the standby that hold several. A reader that
        // holds the table longer than a moment (a report) is ended: the promotion does not wait for it.
        int lockingSessionsEnded = 0;
        for (TableShape table : tables.values()) {
            lockingSessionsEnded += retryingDeadlocks(c -> SiteGuard.liftNotWaiting(c, List.of(table),
                    List.of(d.target().user())));
        }
        retryingDeadlocks(c -> {
            SiteGuard.resetReadOnlyDefault(c);
            return null;
        });
        if (lockingSessionsEnded > 0) {
            details.put("lockingSessionsEnded", Integer.toString(lockingSessionsEnded));
            LOG.warnf("link %s: %d sessions at %s held a lock on a table the promotion had to unguard; they were"
                    + " ended", link.id(), lockingSessionsEnded, d.target().site());
        }
        ApplierStatus s = link.applier.status();
        long lastCommit = ReplicationLink.lastAppliedCommit(s);
        Instant lost = sourceLostAt == null ? Instant.now() : sourceLostAt;
        details.put("guardLifted", Integer.toString(tables.size()));
        details.put("consistency", s.consistency().state().name());
        Long loss = planned ? Long.valueOf(0) : lastCommit <= 0 ? null : Math.max(0, lost.toEpochMilli() - lastCommit);
        details.put("dataLossWindowMs", loss == null ? "unknown" : Long.toString(loss));
        if (!planned) {
            details.put("sourceLostAt", lost.toString());
        }
        link.on(new LinkRules.Input.Promoted(d.target().site() + " promoted: accepts writes; " + details));
        afterPromotion(details, why);
        return new Promoted(details, result(planned, loss, planned ? null : lost, partialChanges[0], false));
    }

    /** A PROMOTE's answer: its words and figures for people, and its typed result for failover-service. */
    public record Promoted(Map<String, String> details, PromotionResult result) {
    }

    private PromotionResult result(boolean planned, Long loss, Instant lost, long partialChanges, boolean repeated) {
        ApplierStatus s = link.applier.status();
        long lastCommit = ReplicationLink.lastAppliedCommit(s);
        return new PromotionResult(link.id(), planned, ReplicationLink.positionText(s.applied()),
                lastCommit > 0 ? Instant.ofEpochMilli(lastCommit) : null, loss, lost, partialChanges, repeated);
    }

    /**
     * The promoted database's record says ACTIVE at the command's epoch, and the application roles a FENCE locked
     * there (a failback's FENCE of this site, long ago) can log in again: a promoted database the application cannot
     * log in to is not active. Done after the PROMOTED phase is stored: a crash before it leaves the record STANDBY,
     * which contradicts nothing, and a retried PROMOTE does it again.
     */
    private void afterPromotion(Map<String, String> details, String why) throws SQLException {
        PgEndpoint target = link.definition.target();
        try (Connection c = target.connect("lifeboat-promote-" + link.id())) {
            List<String> restored = SiteFence.promoted(c, link.env.applicationRoles(target.site()), link.epoch,
                    target.site() + " promoted by link " + link.id() + " at epoch " + link.epoch + " (" + why + ")");
            details.put("applicationRolesRestored", String.join(",", restored));
        }
    }

    /**
     * Work on the target in one transaction, again after a deadlock: lifting the guard locks every table, and readers
     * of the standby (reports, dashboards) hold locks on several tables in their transactions, so PostgreSQL may
     * pick the promotion as a deadlock's victim. The transaction rolled back whole, so it is simply run again.
     */
    private <T> T retryingDeadlocks(io.lifeboat.replication.apply.SqlWork<T> work) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return link.applier.withConnection(work).get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                boolean deadlock = e.getCause() instanceof SQLException sql && ("40P01".equals(sql.getSQLState())
                        || "40001".equals(sql.getSQLState()));
                if (!deadlock || attempt >= 5) {
                    throw e;
                }
                LOG.warnf("link %s: promotion chosen as a deadlock's victim (%s); running it again", link.id(),
                        e.getCause().getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    /** See {@link LinkReversal}. */
    public synchronized Map<String, String> reverse(long epoch, String newSource, boolean force, String why)
            throws Exception {
        return new LinkReversal(link).reverse(epoch, newSource, force, why);
    }

    /** Stores a command's epoch (when newer than the stored one) before the command runs. */
    public synchronized void recordEpoch(long commandEpoch) {
        link.owned(() -> {
            if (commandEpoch > link.epoch) {
                long before = link.epoch;
                link.epoch = commandEpoch;
                try {
                    link.persist(link.phase, link.definition, link.connectorName);
                } catch (RuntimeException e) {
                    link.epoch = before;
                    throw e;
                }
            }
            return null;
        });
    }

    /** Resumes the link at the transaction of a change the target refused. */
    public boolean resumeTable(String table) throws Exception {
        return link.applier.resumeTable(table).get(30, TimeUnit.SECONDS);
    }

    /**
     * After a gap: the target's position moves to the topic's end and every table is copied again at a new snapshot
     * (see {@link SourcePreparation} for why that order loses nothing).
     *
     * @return what was done, or null when the link has no gap
     */
    public synchronized String resync() throws Exception {
        boolean done = link.applier.resync(SourcePreparation.endOffset(link.admin, link.topic)).get(60, TimeUnit.SECONDS);
        if (!done) {
            return null;
        }
        link.on(new LinkRules.Input.Resync());
        return "every table of the link is copied again from a new snapshot; streaming resumes after the change"
                + " topic's current end";
    }

    private Map<String, String> finalPosition() {
        ApplierStatus s = link.applier.status();
        long lastCommit = ReplicationLink.lastAppliedCommit(s);
        return Map.of("appliedPosition", ReplicationLink.positionText(s.applied()),
                "appliedCommittedAt", lastCommit > 0 ? Instant.ofEpochMilli(lastCommit).toString() : "none",
                "appliedChanges", Long.toString(s.appliedChanges()));
    }
}
