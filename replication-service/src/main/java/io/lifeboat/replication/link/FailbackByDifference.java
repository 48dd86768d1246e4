package io.lifeboat.replication.link;

import io.lifeboat.replication.apply.LifeboatTables;
import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.replication.apply.KeyRepair;
import io.lifeboat.replication.apply.PositionStore;
import io.lifeboat.replication.db.SourcePosition;
import io.lifeboat.replication.copy.CopySnapshot;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.SourceSetup;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.quarantine.QuarantineStore;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * REVERSE by difference: the old source is not emptied. Its stranded changes are already in the quarantine (read by
 * {@link LinkReversal} first); every row they touched is set back to the promoted site's version in one snapshot of
 * it ({@link KeyRepair}), and the promoted site's own changes since its promotion then stream from the slot made at
 * promotion ({@link PromotionSlot}). A table that cannot be repaired by keys (a TRUNCATE among the stranded changes,
 * or a shape that differs between the sites) is copied whole, and only that table. The work is proportional to the
 * difference: the touched rows, and what was written at the promoted site since.
 */
final class FailbackByDifference {

    private static final Logger LOG = Logger.getLogger(FailbackByDifference.class);

    /** What was done, for the command's outcome. */
    record Outcome(int tablesRepaired, long keysRepaired, List<String> copiedWhole, String snapshotLsn) {
    }

    private FailbackByDifference() {
    }

    /** Whether the new source (the promoted site) still has its promotion slot: else every table is copied. */
    static boolean possible(LinkDefinition reversed) {
        try (Connection c = reversed.source().connect("lifeboat-reverse-" + reversed.id())) {
            return PromotionSlot.usable(c, reversed.slot());
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * @param old       the link's direction until now (old source → promoted target)
     * @param endOffset the change topic's end, where the new direction's stream begins
     */
    static Outcome run(ReplicationLink link, LinkDefinition old, long endOffset)
            throws SQLException {
        LinkDefinition reversed = old.reversed();
        try (Connection promoted = reversed.source().connect("lifeboat-reverse-" + link.id());
             Connection oldSite = reversed.target().connect("lifeboat-reverse-" + link.id())) {
            // This disaster's entries: kept at or after the promotion's epoch, which the promoted database records.
            long promotedAt = SiteRole.read(promoted).filter(r -> r.role() == SiteRole.Role.ACTIVE)
                    .map(SiteRole.Stored::epoch).orElse(Long.MIN_VALUE);
            QuarantineStore.Touched touched = QuarantineStore.touched(promoted, link.id(), old.source().site(),
                    promotedAt);
            CopySnapshot snapshot = KeyRepair.snapshot(promoted);
            Map<String, TableShape> theirs = link.replicated(TableCatalog.read(promoted, reversed.schemas()));
            LifeboatTables.ensure(oldSite);
            LifeboatSchema.applierSession(oldSite);
            Map<String, TableShape> ours = link.replicated(TableCatalog.read(oldSite, reversed.schemas()));
            Map<String, TableShape> byKeys = new TreeMap<>();
            TreeSet<String> whole = new TreeSet<>();
            for (TableShape table : theirs.values()) {
                TableShape here = ours.get(table.qualified());
                if (here == null || touched.truncated().contains(table.qualified()) || !sameShape(table, here)) {
                    whole.add(table.qualified()); // copied whole by the applier (a missing table stops it, named)
                } else {
                    byKeys.put(table.qualified(), here);
                }
            }
            CopyStore.clear(oldSite, link.id());
            List<KeyRepair.Repaired> repaired = new KeyRepair(link.id()).repair(promoted, oldSite, snapshot, byKeys,
                    touched.keys());
            CopyStore.markPending(oldSite, link.id(), whole);
            PositionStore.seed(oldSite, link.id(), link.topic, link.topicId, endOffset);
            SourceSetup.dropSlot(oldSite, old.slot()); // it served the old direction
            SiteGuard.install(oldSite, ours.values(), reversed.target().site() + " is the standby of link " + link.id()
                    + " after reversal; writes are refused until it is promoted");
            oldSite.commit();
            promoted.commit();
            long keys = repaired.stream().mapToLong(KeyRepair.Repaired::keys).sum();
            LOG.infof("link %s: failback by difference at %s: %d keys of %d tables set back to %s's version at %s,"
                    + " copied whole: %s", link.id(), reversed.target().site(), keys, repaired.size(),
                    reversed.source().site(), SourcePosition.lsnText(snapshot.walLsn()), whole);
            return new Outcome(repaired.size(), keys, List.copyOf(whole), SourcePosition.lsnText(snapshot.walLsn()));
        }
    }

    /** Same columns (names, types, order) and the same primary key: a row of one is a row of the other. */
    static boolean sameShape(TableShape a, TableShape b) {
        return Objects.equals(a.primaryKey(), b.primaryKey()) && a.columns().size() == b.columns().size()
                && a.columns().stream().map(c -> c.name() + " " + c.type()).toList()
                .equals(b.columns().stream().map(c -> c.name() + " " + c.type()).toList());
    }
}
