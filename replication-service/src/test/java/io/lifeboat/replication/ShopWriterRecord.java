package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.replication.consistency.ShopWriter;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.lifeboat.replication.ShopQueries.orders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link ConsistencyIT}'s checks of a standby against what a {@link ShopWriter} itself recorded as committed. */
final class ShopWriterRecord {

    private ShopWriterRecord() {
    }

    /** Until the writer has committed more than {@code transactions} transactions; at once if it stopped. */
    static void awaitTransactions(ShopWriter writer, long transactions, Duration within) {
        await().atMost(within).failFast("the shop writer stopped", () -> writer.stoppedBy != null)
                .until(() -> writer.transactions.get() > transactions);
    }

    /** The standby holds exactly a prefix of what the writer committed (plus, at most, the order in doubt). */
    static void assertCommittedPrefix(ShopWriter writer, TreeSet<Long> standby, long before) {
        List<Long> expected = new ArrayList<>();
        for (long id : writer.committed) {
            if (id >= before && (standby.isEmpty() || id <= standby.last())) {
                expected.add(id);
            }
        }
        TreeSet<Long> ours = new TreeSet<>(standby.tailSet(before));
        if (writer.inDoubt >= 0) {
            ours.remove(writer.inDoubt);
        }
        assertThat(ours).as("the standby's orders are exactly the writer's committed ones up to its newest")
                .containsExactlyElementsOf(expected);
    }

    /** Until the standby ({@code database} at {@code site}) holds every order committed from {@code from} on. */
    static void awaitCaughtUp(ShopWriter writer, long from, PostgresServer site, String database, Duration within) {
        List<Long> expected = writer.committed.stream().filter(id -> id >= from).toList();
        await().atMost(within).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Connection o = site.connect(database)) {
                assertThat(orders(o)).containsAll(expected);
            }
        });
    }
}
