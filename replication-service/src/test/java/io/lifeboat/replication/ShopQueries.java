package io.lifeboat.replication;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.TreeSet;

/** What {@link ConsistencyIT} reads of the shop at either site: its orders' ids, a table's rows. */
final class ShopQueries {

    private ShopQueries() {
    }

    static TreeSet<Long> orders(Connection c) throws SQLException {
        TreeSet<Long> ids = new TreeSet<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM shop.orders")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    static long count(Connection c, String table) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }
}
