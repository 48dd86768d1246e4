package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.Severity;
import io.lifeboat.replication.db.SourceSetup;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import io.lifeboat.replication.drift.ColumnDrift;
import io.lifeboat.replication.drift.SchemaComparison;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a link watches at its source while it runs, on the link's own scheduled threads: the WAL its slot holds
 * back, tables created in its schemas (a schema migration: picked up without a restart), and the columns of both
 * sides (drift).
 */
final class LinkWatch {

    private static final Logger LOG = Logger.getLogger(LinkWatch.class);

    private final ReplicationLink link;
    private volatile Long retainedWalBytes;
    private volatile boolean retentionAlerted;

    LinkWatch(ReplicationLink link) {
        this.link = link;
    }

    void start() {
        link.threads.scheduleWithFixedDelay(this::watchSlot, 0, 5, TimeUnit.SECONDS);
        long every = link.definition.tableWatchInterval().toMillis();
        link.threads.scheduleWithFixedDelay(this::watchTables, every, every, TimeUnit.MILLISECONDS);
    }

    Long retainedWalBytes() {
        return retainedWalBytes;
    }

    private void watchSlot() {
        if (link.closed) {
            return;
        }
        LinkDefinition d = link.definition;
        try (Connection c = d.source().connect("lifeboat-slot-" + link.id());
             var s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, d.slot());
            try (ResultSet r = s.executeQuery()) {
                retainedWalBytes = r.next() ? r.getLong(1) : null;
            }
        } catch (SQLException unreachable) {
            retainedWalBytes = null;
            return;
        }
        Long retained = retainedWalBytes;
        boolean over = retained != null && retained > d.retainedWalAlertBytes();
        if (over && !retentionAlerted) {
            retentionAlerted = true;
            link.alerts.raise("SLOT_RETENTION", d.slot(), Severity.WARNING, d.source().site(), "slot " + d.slot()
                    + " holds " + retained + " bytes of WAL, over the bound of " + d.retainedWalAlertBytes(),
                    Map.of("slot", d.slot()));
        } else if (!over && retentionAlerted && retained != null) {
            retentionAlerted = false;
            link.alerts.resolve("SLOT_RETENTION", d.slot(), d.source().site(), "slot " + d.slot() + " holds "
                    + retained + " bytes again");
        }
    }

    /**
     * A table created in the link's schemas (at both sites: DDL is not replicated) is added to the publication
     * once every transaction older than that change has ended, then copied by the applier at a snapshot taken
     * after; its changes stream from then on. A table only the source has is drift (reported, not added).
     */
    void watchTables() {
        if (link.closed || link.captureStopsHere() || link.state() == LinkState.FAILED) {
            return;
        }
        LinkDefinition d = link.definition;
        try (Connection source = d.source().connect("lifeboat-tables-" + link.id());
             Connection target = d.target().connect("lifeboat-tables-" + link.id())) {
            Map<String, TableShape> at = link.replicated(TableCatalog.read(source, d.schemas()));
            Map<String, TableShape> there = link.replicated(TableCatalog.read(target, d.schemas()));
            Set<String> published = SourceSetup.published(source, d.publication());
            List<TableShape> added = new ArrayList<>();
            for (TableShape t : at.values()) {
                if (published.contains(t.qualified())) {
                    continue;
                }
                if (t.primaryKey().isEmpty()) {
                    LOG.warnf("link %s: new table %s has no primary key: not replicated (add one, or exclude it)",
                            link.id(), t.qualified());
                } else if (!there.containsKey(t.qualified())) {
                    checkDrift(); // reported as drift: the target must have the table first
                } else {
                    added.add(t);
                }
            }
            if (added.isEmpty()) {
                return;
            }
            SourceSetup.ensurePublication(source, d.publication(), added);
            SourceSetup.awaitOlderTransactions(source, Duration.ofSeconds(60));
            List<String> names = SourcePreparation.names(added);
            link.applier.addTables(names).get(60, TimeUnit.SECONDS);
            link.sourceTables = at;
            LOG.infof("link %s: tables created while running, now replicated (copy, then stream): %s", link.id(),
                    names);
        } catch (Exception e) {
            LOG.debugf("link %s: new tables not checked: %s", link.id(), e.getMessage());
        }
    }

    /** Compares the columns of every replicated table on both sides; alerts when that changes. */
    List<ColumnDrift> checkDrift() throws SQLException {
        LinkDefinition d = link.definition;
        Map<String, TableShape> src;
        Map<String, TableShape> dst;
        try (Connection c = d.source().connect("lifeboat-drift-" + link.id())) {
            src = link.replicated(TableCatalog.read(c, d.schemas()));
        }
        try (Connection c = d.target().connect("lifeboat-drift-" + link.id())) {
            dst = link.replicated(TableCatalog.read(c, d.schemas()));
        }
        List<ColumnDrift> found = SchemaComparison.compare(src, dst);
        if (!found.equals(link.drift)) {
            if (!found.isEmpty()) {
                String what = String.join("; ", found.stream().map(ColumnDrift::describe).toList());
                LOG.warnf("link %s: schema drift between %s and %s: %s", link.id(), d.source().site(),
                        d.target().site(), what);
                link.alerts.raise("SCHEMA_DRIFT", "tables", Severity.WARNING, d.target().site(),
                        "the sites' tables differ: " + what, Map.of());
            } else {
                link.alerts.resolve("SCHEMA_DRIFT", "tables", d.target().site(), "the tables of both sites match again");
            }
        }
        link.drift = List.copyOf(found);
        return link.drift;
    }
}
