package io.lifeboat.replication.source;

import java.util.List;

/**
 * Where a capture's changes go: the link's change topic, or the quarantine. {@link #write} returns only when every
 * change is durable; only then are Debezium's offsets committed, so a crash re-sends but never skips.
 */
public interface ChangeSink extends AutoCloseable {

    void write(List<Change> changes) throws Exception;

    @Override
    default void close() {
    }
}
