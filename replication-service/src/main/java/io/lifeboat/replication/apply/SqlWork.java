package io.lifeboat.replication.apply;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on the applier's own connection, run by its loop between transactions and committed after. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
