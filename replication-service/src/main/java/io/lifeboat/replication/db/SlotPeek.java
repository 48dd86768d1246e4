package io.lifeboat.replication.db;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether an idle slot holds a change the standby has not applied, read with {@code
 * pg_logical_slot_peek_binary_changes} (pgoutput, the link's publication): the slot is not consumed, and no
 * Debezium engine is started (a start costs 1-2 s). A REVERSE after a planned switchover, whose drain applied
 * everything, learns so in milliseconds; any doubt sends it to the full read.
 *
 * <p>The answer is "nothing stranded" only when every transaction with a change to a replicated table comes, in
 * the slot's order (the commit order, which is the order the applier applies in, whole transactions), at or before
 * the last transaction the standby applied, found by its xid. Everything else (that transaction not in what the slot
 * holds, a relation not announced, more than the limit of messages, a message not understood) is "may hold".
 */
public final class SlotPeek {

    /** What the peek found, and why in words. */
    public record Finding(boolean nothingStranded, String reason) {
    }

    private SlotPeek() {
    }

    /**
     * @param appliedXid the xid of the last transaction the standby applied
     * @param ignored tables whose changes are never stranded (Lifeboat's own), by qualified name
     * @param limit the most messages read; a slot holding more is "may hold"
     */
    public static Finding peek(Connection c, String slot, String publication, long appliedXid,
            Predicate<String> ignored, int limit) throws SQLException {
        List<byte[]> messages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT data FROM pg_logical_slot_peek_binary_changes(?, NULL,"
                + " ?, 'proto_version', '1', 'publication_names', ?)")) {
            s.setString(1, slot);
            s.setInt(2, limit + 1);
            s.setString(3, publication);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    messages.add(r.getBytes(1));
                }
            }
        }
        if (messages.size() > limit) {
            return new Finding(false, "the slot holds more than " + limit + " messages");
        }
        return of(messages, appliedXid, ignored);
    }

    /** The decision on the slot's pgoutput messages, in the slot's order. */
    static Finding of(List<byte[]> messages, long appliedXid, Predicate<String> ignored) {
        Map<Integer, String> relations = new HashMap<>();
        int transaction = -1; // index of the open transaction, in order
        long xid = -1;
        boolean touches = false;
        int lastTouching = -1;
        long lastTouchingXid = -1;
        int applied = -1;
        for (byte[] message : messages) {
            if (message.length == 0) {
                return new Finding(false, "an empty message");
            }
            ByteBuffer in = ByteBuffer.wrap(message, 1, message.length - 1).slice();
            switch (message[0]) {
                case 'B' -> {
                    in.getLong(); // final LSN
                    in.getLong(); // commit time
                    xid = Integer.toUnsignedLong(in.getInt());
                    transaction++;
                    touches = false;
                }
                case 'C' -> {
                    if (xid == (appliedXid & 0xFFFFFFFFL)) {
                        applied = transaction;
                    }
                    if (touches) {
                        lastTouching = transaction;
                        lastTouchingXid = xid;
                    }
                }
                case 'R' -> {
                    int oid = in.getInt();
                    String schema = text(in);
                    relations.put(oid, schema + "." + text(in));
                }
                case 'I', 'U', 'D' -> touches |= replicated(relations.get(in.getInt()), ignored);
                case 'T' -> {
                    int count = in.getInt();
                    in.get(); // options
                    for (int i = 0; i < count; i++) {
                        touches |= replicated(relations.get(in.getInt()), ignored);
                    }
                }
                case 'Y', 'O', 'M' -> {
                    // a type, an origin, a logical message: no row
                }
                default -> {
                    return new Finding(false, "a message of type '" + (char) message[0] + "' not understood");
                }
            }
        }
        if (lastTouching < 0) {
            return new Finding(true, "no change to a replicated table in " + (transaction + 1) + " transactions");
        }
        if (applied >= lastTouching) {
            return new Finding(true, "every change to a replicated table is at or before the applied transaction "
                    + appliedXid);
        }
        return new Finding(false, "transaction " + lastTouchingXid + " changed a replicated table"
                + (applied < 0 ? " and the applied transaction " + appliedXid + " is not in the slot"
                        : " after the applied transaction " + appliedXid));
    }

    /** An unannounced relation counts as replicated: when in doubt, read. */
    private static boolean replicated(String table, Predicate<String> ignored) {
        return table == null || !ignored.test(table);
    }

    private static String text(ByteBuffer in) {
        int start = in.position();
        while (in.get() != 0) {
            // to the terminating zero
        }
        return new String(in.array(), in.arrayOffset() + start, in.position() - start - 1, StandardCharsets.UTF_8);
    }
}
