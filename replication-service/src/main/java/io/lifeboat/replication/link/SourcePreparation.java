package io.lifeboat.replication.link;

import io.lifeboat.replication.apply.LifeboatTables;
import io.lifeboat.replication.apply.PositionStore;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.db.SourceSetup;
import io.lifeboat.replication.db.TableShape;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Before a link's capture starts: its publication at the source, and, for a new stream, the target's position at
 * the end of the change topic with every table to be copied, then the slot.
 *
 * <p>The order is the argument. The target is seeded first (at the topic's end, all tables PENDING), then the slot
 * is created; each copy's snapshot is taken later, on the applier's thread. So every transaction a copy does not see
 * commits after the slot exists (it is in the stream) and after the seed (it is after the seeded offset), and every
 * transaction the copy sees is skipped for that table. A slot found missing while the target has a position means
 * changes were lost: the stream starts again the same way, with a full copy.
 */
final class SourcePreparation {

    private static final Logger LOG = Logger.getLogger(SourcePreparation.class);

    private SourcePreparation() {
    }

    /** @return a sentence on what was done, for the log and the link's reason */
    static String prepare(LinkDefinition link, Collection<TableShape> tables, Admin admin, String topic, String topicId)
            throws SQLException {
        try (Connection source = link.source().connect("lifeboat-setup-" + link.id());
             Connection target = link.target().connect("lifeboat-setup-" + link.id())) {
            LifeboatTables.ensure(source);
            LifeboatTables.ensure(target);
            SourceSetup.ensurePublication(source, link.publication(), tables);
            boolean slot = SourceSetup.slotExists(source, link.slot());
            boolean positioned = PositionStore.load(target, link.id(), topic) != null;
            if (slot && positioned) {
                return "resuming slot " + link.slot();
            }
            target.setAutoCommit(false);
            PositionStore.seed(target, link.id(), topic, topicId, endOffset(admin, topic));
            CopyStore.clear(target, link.id());
            CopyStore.markPending(target, link.id(), tables.stream().map(TableShape::qualified).toList());
            target.commit();
            if (!slot) {
                SourceSetup.createSlot(source, link.slot());
            }
            String what = (positioned ? "slot " + link.slot() + " was missing (changes since may be lost): "
                    : "new stream: ") + "every table (" + tables.size() + ") will be copied from a snapshot of "
                    + link.source().site();
            if (positioned) {
                LOG.warnf("link %s: %s", link.id(), what);
            }
            return what;
        }
    }

    /**
     * The capture, after one heartbeat row written at the source: an idle source's first change is
     * then in the slot as soon as the engine streams (STREAMING, then caught up), not one heartbeat interval later.
     * Not written (a source that does not answer): the engine's own heartbeats come later, or it fails and says why.
     */
    static Runnable beatThen(LinkDefinition link, Runnable capture) {
        return () -> {
            try (Connection c = link.source().connect("lifeboat-beat-" + link.id());
                 Statement s = c.createStatement()) {
                s.execute(DebeziumProperties.heartbeat(link));
            } catch (SQLException e) {
                LOG.debugf("link %s: no heartbeat written at the capture's start (%s)", link.id(), e.getMessage());
            }
            capture.run();
        };
    }

    static long endOffset(Admin admin, String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the end of " + topic + ": " + e.getMessage(), e);
        }
    }

    static List<String> names(Collection<TableShape> tables) {
        return tables.stream().map(TableShape::qualified).sorted().toList();
    }
}
