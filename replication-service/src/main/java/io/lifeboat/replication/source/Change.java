package io.lifeboat.replication.source;

import io.lifeboat.replication.db.SourcePosition;

/**
 * One record of a link's change stream as the capture hands it on: a transaction's BEGIN, one of its changes, or
 * its END, in the source's commit order.
 *
 * @param kind      BEGIN, DATA or END
 * @param txKey     the transaction's place in the stream: the source's commit LSN of the transaction streamed
 *                  before it (Debezium's {@code lsn_commit} when it began). Strictly grows from one transaction to
 *                  the next, the same for all records of one transaction, also when Debezium sends them again
 * @param lsn       DATA: the change's own LSN (grows within a transaction)
 * @param ordinal   DATA: the change's place among changes of the same LSN (a key update is a delete and a create
 *                  at one LSN; a multi-table TRUNCATE is one per table)
 * @param commitLsn END: the transaction's own commit LSN
 * @param table     DATA: {@code schema.table}
 * @param position  DATA: Debezium's source position (null otherwise)
 * @param xid       DATA and END: the source transaction id, where known (0 otherwise)
 */
public record Change(Kind kind, long txKey, long lsn, int ordinal, long commitLsn, String table, byte[] key,
        byte[] value, SourcePosition position, long xid) {

    public enum Kind {
        BEGIN, DATA, END
    }
}
