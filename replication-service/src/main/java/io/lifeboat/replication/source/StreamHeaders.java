package io.lifeboat.replication.source;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The headers every record of a link's change topic carries, so that the applier sees a transaction's shape
 * without parsing it: {@code lifeboat-kind} (BEGIN, DATA, END), {@code lifeboat-tx} (the transaction's key, see
 * {@link Change#txKey()}), and for DATA {@code lifeboat-lsn}, {@code lifeboat-ord}, {@code lifeboat-table},
 * {@code lifeboat-xid} (the source transaction id), for DATA and END
 * {@code lifeboat-commit-lsn}. Debezium's own envelope stays the record's value.
 */
public final class StreamHeaders {

    public static final String KIND = "lifeboat-kind";
    public static final String TX = "lifeboat-tx";
    public static final String LSN = "lifeboat-lsn";
    public static final String ORDINAL = "lifeboat-ord";
    public static final String TABLE = "lifeboat-table";
    public static final String COMMIT_LSN = "lifeboat-commit-lsn";
    public static final String XID = "lifeboat-xid";

    private StreamHeaders() {
    }

    public static void write(Headers headers, Change c) {
        headers.add(KIND, bytes(c.kind().name()));
        headers.add(TX, bytes(Long.toString(c.txKey())));
        switch (c.kind()) {
            case DATA -> {
                headers.add(LSN, bytes(Long.toString(c.lsn())));
                headers.add(ORDINAL, bytes(Integer.toString(c.ordinal())));
                headers.add(TABLE, bytes(c.table()));
                headers.add(XID, bytes(Long.toString(c.xid())));
            }
            case END -> {
                headers.add(COMMIT_LSN, bytes(Long.toString(c.commitLsn())));
                if (c.xid() > 0) {
                    headers.add(XID, bytes(Long.toString(c.xid())));
                }
            }
            default -> {
            }
        }
    }

    /** @return the header's text, or null when absent */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The change's source transaction id, or 0 when the record does not carry it. */
    public static long xid(Headers headers) {
        String t = text(headers, XID);
        return t == null ? 0 : Long.parseLong(t);
    }

    public static long number(Headers headers, String name) {
        String t = text(headers, name);
        if (t == null) {
            throw new IllegalArgumentException("header " + name + " missing");
        }
        return Long.parseLong(t);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
