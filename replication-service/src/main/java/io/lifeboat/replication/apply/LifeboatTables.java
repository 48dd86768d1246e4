package io.lifeboat.replication.apply;

import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.quarantine.QuarantineStore;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * All of Lifeboat's own tables at a site, created unless they exist: the schema with its heartbeat and applied
 * positions ({@link LifeboatSchema}), the copy's progress ({@link CopyStore}) and the quarantine
 * ({@link QuarantineStore}); each table's DDL stays in the class that owns the table.
 */
public final class LifeboatTables {

    private LifeboatTables() {
    }

    public static void ensure(Connection connection) throws SQLException {
        LifeboatSchema.ensure(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true); // DDL that takes effect now, whatever the caller's transaction
        try {
            CopyStore.ensure(connection);
            QuarantineStore.ensure(connection);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
