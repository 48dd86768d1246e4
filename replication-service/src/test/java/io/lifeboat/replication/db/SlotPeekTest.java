package io.lifeboat.replication.db;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The peek's decision: on pgoutput messages written here byte by byte (each rule), and on what a real PostgreSQL
 * slot holds (the bytes are the server's, not this test's idea of them).
 */
class SlotPeekTest {

    private static final int ORDERS = 16_400;
    private static final int HEARTBEAT = 16_500;

    @Test
    void nothingStrandedWhenEveryReplicatedChangeIsAtOrBeforeTheAppliedTransaction() {
        List<byte[]> slot = List.of(relation(ORDERS, "shop", "orders"), begin(700), row('I', ORDERS), commit(),
                begin(701), row('U', ORDERS), commit(), relation(HEARTBEAT, "lifeboat_replication", "heartbeat"),
                begin(702), row('U', HEARTBEAT), commit());

        assertThat(SlotPeek.of(slot, 701, SlotPeekTest::lifeboats).nothingStranded()).isTrue();
        assertThat(SlotPeek.of(slot, 702, SlotPeekTest::lifeboats).nothingStranded()).isTrue();
        // The bad state: a replicated change after the applied transaction is never "nothing".
        SlotPeek.Finding after = SlotPeek.of(slot, 700, SlotPeekTest::lifeboats);
        assertThat(after.nothingStranded()).isFalse();
        assertThat(after.reason()).contains("transaction 701", "after the applied transaction 700");
    }

    @Test
    void mayHoldWhenTheAppliedTransactionIsNotInTheSlot() {
        List<byte[]> slot = List.of(relation(ORDERS, "shop", "orders"), begin(900), row('D', ORDERS), commit());

        SlotPeek.Finding finding = SlotPeek.of(slot, 700, SlotPeekTest::lifeboats);

        assertThat(finding.nothingStranded()).isFalse();
        assertThat(finding.reason()).contains("is not in the slot");
    }

    @Test
    void onlyLifeboatsOwnChangesOrNoneAreNothingWhateverWasApplied() {
        List<byte[]> slot = List.of(relation(HEARTBEAT, "lifeboat_replication", "heartbeat"), begin(5),
                row('U', HEARTBEAT), commit(), begin(6), commit());

        assertThat(SlotPeek.of(slot, 1, SlotPeekTest::lifeboats).nothingStranded()).isTrue();
        assertThat(SlotPeek.of(List.of(), 1, SlotPeekTest::lifeboats).nothingStranded()).isTrue();
    }

    @Test
    void aTruncateAnUnannouncedRelationOrAnUnknownMessageMeansRead() {
        List<byte[]> truncate = List.of(relation(HEARTBEAT, "lifeboat_replication", "heartbeat"), begin(8),
                truncate(HEARTBEAT, ORDERS), commit());
        List<byte[]> unannounced = List.of(begin(8), row('I', ORDERS), commit());
        List<byte[]> unknown = List.of(begin(8), new byte[] {'S', 0, 0, 0, 1}, commit());

        assertThat(SlotPeek.of(truncate, 7, SlotPeekTest::lifeboats).nothingStranded()).isFalse();
        assertThat(SlotPeek.of(unannounced, 7, SlotPeekTest::lifeboats).nothingStranded()).isFalse();
        assertThat(SlotPeek.of(unknown, 8, SlotPeekTest::lifeboats).reason()).contains("'S' not understood");
    }

    @Test
    void aRealSlotsChangesAreFoundAfterTheAppliedTransactionAndNotAtIt() throws SQLException {
        PostgresServer pg = SharedServers.postgres("home");
        pg.createDatabase("slotpeek");
        try (Connection c = pg.connect("slotpeek"); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS shop");
            s.execute("CREATE TABLE IF NOT EXISTS shop.orders (id bigint PRIMARY KEY, note text)");
            s.execute("CREATE SCHEMA IF NOT EXISTS lifeboat_replication");
            s.execute("CREATE TABLE IF NOT EXISTS lifeboat_replication.heartbeat (id int PRIMARY KEY, at timestamptz)");
            s.execute("DROP PUBLICATION IF EXISTS peek_pub");
            s.execute("CREATE PUBLICATION peek_pub FOR TABLE shop.orders, lifeboat_replication.heartbeat");
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'peek'");
            s.execute("SELECT pg_create_logical_replication_slot('peek', 'pgoutput')");
            long first = xidOf(s, "INSERT INTO shop.orders VALUES (1, 'one'), (2, 'two')");
            long second = xidOf(s, "UPDATE shop.orders SET note = 'changed' WHERE id = 2");
            long heartbeat = xidOf(s, "INSERT INTO lifeboat_replication.heartbeat VALUES (1, now())");

            assertThat(SlotPeek.peek(c, "peek", "peek_pub", first, SlotPeekTest::lifeboats, 100).nothingStranded())
                    .as("the update after the applied insert is stranded").isFalse();
            assertThat(SlotPeek.peek(c, "peek", "peek_pub", second, SlotPeekTest::lifeboats, 100).reason())
                    .contains("at or before the applied transaction " + second);
            assertThat(SlotPeek.peek(c, "peek", "peek_pub", heartbeat, SlotPeekTest::lifeboats, 100)
                    .nothingStranded()).isTrue();
            assertThat(SlotPeek.peek(c, "peek", "peek_pub", second, SlotPeekTest::lifeboats, 3).reason())
                    .contains("more than 3 messages");
            // Peeked, not consumed: the slot still holds the first transaction.
            assertThat(SlotPeek.peek(c, "peek", "peek_pub", 1, SlotPeekTest::lifeboats, 100).reason())
                    .contains("transaction " + second);
            s.execute("SELECT pg_drop_replication_slot('peek')");
        }
    }

    private static long xidOf(Statement s, String sql) throws SQLException {
        s.execute("BEGIN");
        s.execute(sql);
        try (ResultSet r = s.executeQuery("SELECT txid_current() % 4294967296")) {
            r.next();
            long xid = r.getLong(1);
            s.execute("COMMIT");
            return xid;
        }
    }

    private static boolean lifeboats(String table) {
        return table.startsWith("lifeboat_replication.");
    }

    private static byte[] begin(int xid) {
        return ByteBuffer.allocate(21).put((byte) 'B').putLong(0x1000).putLong(0).putInt(xid).array();
    }

    private static byte[] commit() {
        return ByteBuffer.allocate(26).put((byte) 'C').put((byte) 0).putLong(0x1000).putLong(0x1010).putLong(0)
                .array();
    }

    private static byte[] row(char kind, int oid) {
        return ByteBuffer.allocate(5).put((byte) kind).putInt(oid).array();
    }

    private static byte[] truncate(int... oids) {
        ByteBuffer b = ByteBuffer.allocate(6 + 4 * oids.length).put((byte) 'T').putInt(oids.length).put((byte) 0);
        for (int oid : oids) {
            b.putInt(oid);
        }
        return b.array();
    }

    private static byte[] relation(int oid, String schema, String table) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('R');
        out.writeBytes(ByteBuffer.allocate(4).putInt(oid).array());
        for (String name : new ArrayList<>(List.of(schema, table))) {
            out.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        out.write('d'); // replica identity, then the columns (not read)
        out.writeBytes(new byte[] {0, 0});
        return out.toByteArray();
    }
}
