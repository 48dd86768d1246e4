package io.lifeboat.replication.link;

import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.replication.apply.PositionStore;
import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.SlotPeek;
import io.lifeboat.replication.db.SourceSetup;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.quarantine.QuarantineSink;
import io.lifeboat.replication.quarantine.QuarantineStore;
import io.lifeboat.replication.source.Change;
import io.lifeboat.replication.source.ChangeSource;
import io.lifeboat.replication.state.PersistedLink;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * REVERSE, after a promotion: the old source becomes the standby of the promoted site.
 *
 * <ol>
 *   <li>The old source's stranded changes (what its slot holds beyond the last applied change) are read to the end
 *       of its WAL and kept in the quarantine of the promoted database, each batch committed before Debezium moves
 *       on. If the old source cannot be read to its end, REVERSE is refused: emptying it would destroy them. An
 *       operator's {@code force=true} passes, and the outcome says so (the command's audit event keeps it).</li>
 *   <li>Only then does the old source become the new standby: by difference ({@link FailbackByDifference}) when
 *       the promoted site kept its changes since its promotion in a slot, else emptied and copied whole.</li>
 *   <li>The new direction starts: from the promotion slot, or as a new stream (slot, a copy of every table).</li>
 * </ol>
 */
final class LinkReversal {

    private static final Logger LOG = Logger.getLogger(LinkReversal.class);

    /** The most messages a peek reads: beyond, the engine reads (a planned switchover leaves a few heartbeats). */
    private static final int PEEK_LIMIT = 10_000;

    private final ReplicationLink link;

    LinkReversal(ReplicationLink link) {
        this.link = link;
    }

    Map<String, String> reverse(long epoch, String newSource, boolean force, String why) throws Exception {
        LinkDefinition before = link.definition;
        LinkRules.Decision d = link.on(new LinkRules.Input.Reverse(why, newSource, before.source().site()));
        if (d.repeat()) {
            // A retry of a REVERSE that has already run (its answer came too late or was lost): the same outcome.
            return Map.of("result", "link " + link.id() + " already runs " + before.source().site() + " → "
                    + before.target().site() + " (" + link.state() + ")");
        }
        if (d.refused()) {
            throw new ReplicationLink.Refused("link " + link.id() + " " + d.refusal());
        }
        try {
            return reverseNow(epoch, force);
        } catch (Exception e) {
            if (link.definition == before) {
                // Nothing of the new direction has started: still promoted, and a retry can run the reverse again.
                link.on(new LinkRules.Input.ReverseDidNotRun(e.getMessage()));
            }
            throw e;
        }
    }

    private Map<String, String> reverseNow(long epoch, boolean force) throws Exception {
        if (link.sourceTables.isEmpty()) {
            try {
                link.preflight(); // restored as PROMOTED while the old source was away
            } catch (SQLException unreachable) {
                // The stranded read below finds it unreachable too, and refuses unless forced.
            }
        }
        LinkDefinition old = link.definition;
        Map<String, String> details = new LinkedHashMap<>();
        Map<String, Long> stranded = keepStranded(old, epoch, force, details);
        long total = stranded.values().stream().mapToLong(Long::longValue).sum();

        // The applier of the old direction stops; the old source becomes the new standby.
        link.applier.close();
        LinkDefinition reversed = old.reversed();
        if (!details.containsKey("forced") && FailbackByDifference.possible(reversed)) {
            FailbackByDifference.Outcome done = FailbackByDifference.run(link, old,
                    SourcePreparation.endOffset(link.admin, link.topic));
            details.put("failback", "by difference: " + done.keysRepaired() + " rows of " + done.tablesRepaired()
                    + " tables set back to " + reversed.source().site() + "'s version, then its changes since the"
                    + " promotion stream");
            details.put("keysRepaired", Long.toString(done.keysRepaired()));
            details.put("tablesCopiedWhole", String.join(",", done.copiedWhole()));
            details.put("repairSnapshotLsn", done.snapshotLsn());
            link.compareWhenConsistent = true; // the difference is proven by hashes once the standby caught up
        } else {
            details.put("failback", details.containsKey("forced")
                    ? "every table copied: not every stranded change was read, so the rows to set back are not known"
                    : "every table copied: " + reversed.source().site() + " has no promotion slot");
            emptyOldSource(old, reversed, details);
        }
        recordRoles(reversed, epoch);
        String reversedConnector = "lifeboat-" + link.id() + "-" + reversed.source().site() + "-e" + epoch;
        // Stored before the new direction starts: a restart from here on runs it, never the old one again.
        link.owned(() -> {
            link.persist(PersistedLink.Phase.RUNNING, reversed, reversedConnector);
            link.definition = reversed;
            link.connectorName = reversedConnector;
            return null;
        });
        link.producedLsn = -1;
        link.preflight();
        SourcePreparation.prepare(reversed, link.sourceTables.values(), link.admin, link.topic, link.topicId);
        link.on(new LinkRules.Input.Reversed(reversed.source().site(), reversed.target().site()));
        link.startApplier(false, true);
        link.startCapture();
        details.put("source", reversed.source().site());
        details.put("target", reversed.target().site());
        if (!"".equals(details.getOrDefault("tablesCopiedWhole", "every table"))) {
            link.on(new LinkRules.Input.CopyingAfterReverse(reversed.source().site(), reversed.target().site(), total,
                    QuarantineStore.TABLE));
        } // else nothing is copied: the link streams as soon as capture produces (STARTING → STREAMING)
        return details;
    }

    /** Without a promotion slot: the old source is emptied and guarded, and every table will be copied. */
    private void emptyOldSource(LinkDefinition old, LinkDefinition reversed, Map<String, String> details)
            throws SQLException {
        try (Connection c = reversed.target().connect("lifeboat-reverse-" + link.id())) {
            c.setAutoCommit(false);
            Map<String, TableShape> tables = link.replicated(TableCatalog.read(c, reversed.schemas()));
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
                s.execute("SET transaction_read_only = off");
                // One statement for all: tables that reference each other can only be emptied together.
                if (!tables.isEmpty()) {
                    s.execute("TRUNCATE ONLY " + tables.values().stream().map(TableShape::sqlName)
                            .collect(Collectors.joining(", ")));
                }
            }
            // Its slot and publication served the old direction; the new standby needs neither.
            SourceSetup.dropSlot(c, old.slot());
            PositionStore.clear(c, link.id());
            CopyStore.clear(c, link.id());
            SiteGuard.lift(c, tables.values());
            SiteGuard.install(c, tables.values(), reversed.target().site() + " is the standby of link " + link.id()
                    + " after reversal; writes are refused until it is promoted");
            c.commit();
            details.put("resyncedTables", Integer.toString(tables.size()));
        }
        try (Connection c = reversed.source().connect("lifeboat-reverse-" + link.id())) {
            SourceSetup.dropSlot(c, reversed.slot()); // a slot left from an earlier direction: start clean
        }
    }

    /**
     * Both databases' own records say what REVERSE made them (see {@code DirectionCheck}). Written before the new
     * direction is stored: a crash in between leaves the old direction PROMOTED, whose target is the new source,
     * ACTIVE, and which no longer reads the new standby: nothing contradicts.
     */
    private void recordRoles(LinkDefinition reversed, long epoch) throws SQLException {
        try (Connection c = reversed.target().connect("lifeboat-reverse-" + link.id());
             Statement s = c.createStatement()) {
            s.execute("SET default_transaction_read_only = off"); // a fenced database's default
            SiteRole.write(c, SiteRole.Role.STANDBY, epoch, "standby of link " + link.id() + " after REVERSE");
        }
        try (Connection c = reversed.source().connect("lifeboat-reverse-" + link.id())) {
            SiteRole.write(c, SiteRole.Role.ACTIVE, epoch, "source of link " + link.id() + " after REVERSE");
        }
    }

    /**
     * Reads the old source's slot from Debezium's last offset to the end of its WAL, keeping what lies beyond the
     * applied position in the quarantine of the promoted database.
     */
    private Map<String, Long> keepStranded(LinkDefinition old, long epoch, boolean force, Map<String, String> details)
            throws Exception {
        SourcePosition appliedAt = link.applier.status().applied();
        long oldSourceLsn;
        try {
            oldSourceLsn = CaptureWait.sourceWal(old.source(), link.id());
        } catch (SQLException unreachable) {
            return refuseOrForce(force, details, old.source().site() + " cannot be reached ("
                    + unreachable.getMessage().lines().findFirst().orElse("") + ")", Map.of());
        }
        SlotPeek.Finding peeked = peek(old, appliedAt);
        if (peeked != null && peeked.nothingStranded()) {
            details.put("strandedChanges", "0");
            details.put("strandedRead", "slot " + old.slot() + " peeked, no engine started: " + peeked.reason());
            details.put("quarantine", QuarantineStore.TABLE + " at " + old.target().site());
            LOG.infof("link %s: nothing stranded at %s: slot %s peeked: %s", link.id(), old.source().site(),
                    old.slot(), peeked.reason());
            return Map.of();
        }
        QuarantineSink sink = new QuarantineSink(link.id(), QuarantineStore.Reason.STRANDED, epoch,
                old.source().site(), old.target());
        link.producedLsn = -1;
        ChangeSource capture = link.newSource(link.connectorName, sink, c -> c.kind() == Change.Kind.DATA
                && !LifeboatSchema.owns(c.table()) && !c.position().atOrBelow(appliedAt));
        link.threads.execute(capture);
        boolean toTheEnd = CaptureWait.captured(link, oldSourceLsn, old.drainTimeout());
        capture.close();
        Map<String, Long> counts = sink.counts();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        details.put("strandedChanges", Long.toString(total));
        details.put("quarantine", QuarantineStore.TABLE + " at " + old.target().site());
        counts.forEach((table, n) -> details.put("stranded." + table, Long.toString(n)));
        LOG.infof("link %s: %d stranded changes kept in %s at %s: %s", link.id(), total, QuarantineStore.TABLE,
                old.target().site(), counts);
        if (!toTheEnd) {
            return refuseOrForce(force, details, "the old source's slot was not read to its end ("
                    + SourcePosition.lsnText(oldSourceLsn) + ") within " + old.drainTimeout().toSeconds() + " s",
                    counts);
        }
        return counts;
    }

    /**
     * The old source's slot peeked ({@link SlotPeek}); null when it cannot be (nothing applied yet, the slot still
     * held by a walsender that has not ended, an old server): the engine reads it then.
     */
    private SlotPeek.Finding peek(LinkDefinition old, SourcePosition appliedAt) {
        if (appliedAt == null || appliedAt.txId() == 0) {
            return null;
        }
        try (Connection c = old.source().connect("lifeboat-peek-" + link.id())) {
            return SlotPeek.peek(c, old.slot(), old.publication(), appliedAt.txId(), LifeboatSchema::owns,
                    PEEK_LIMIT);
        } catch (SQLException e) {
            LOG.infof("link %s: slot %s at %s not peeked (%s): the engine reads it", link.id(), old.slot(),
                    old.source().site(), e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private static Map<String, Long> refuseOrForce(boolean force, Map<String, String> details, String why,
            Map<String, Long> counts) {
        if (!force) {
            throw new ReplicationLink.Refused("REVERSE refused: " + why + "; its stranded changes could not all be"
                    + " kept, and emptying it would destroy them. REVERSE again once it answers, or with"
                    + " force=true to accept losing what was not read");
        }
        details.put("forced", "true");
        details.put("strandedWarning", why + "; REVERSE forced by an operator: what was not read is lost");
        LOG.warnf("REVERSE forced: %s", why);
        return counts;
    }
}
