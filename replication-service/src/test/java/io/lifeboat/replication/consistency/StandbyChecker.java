package io.lifeboat.replication.consistency;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a database in one {@code REPEATABLE READ} snapshot and lists every broken invariant of the {@link Shop}: a
 * line without its order, an order whose lines do not add up (a transaction seen in part), a sum of balances that
 * changed (one side of a transfer), a wrong number of accounts. An empty list means the snapshot is a state the
 * source could have had. Independent of Lifeboat: it knows only the shop's rules.
 */
public final class StandbyChecker {

    private StandbyChecker() {
    }

    public static List<String> violations(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            one(s, "SELECT count(*) FROM shop.order_lines l LEFT JOIN shop.orders o ON o.id = l.order_id"
                    + " WHERE o.id IS NULL", n -> n + " order lines without their order", found);
            one(s, "SELECT count(*) FROM shop.orders o LEFT JOIN (SELECT order_id, count(*) AS n, sum(amount) AS t"
                    + " FROM shop.order_lines GROUP BY order_id) l ON l.order_id = o.id"
                    + " WHERE coalesce(l.n, 0) <> o.line_count OR coalesce(l.t, 0) <> o.total",
                    n -> n + " orders whose lines do not match (a transaction applied in part)", found);
            try (ResultSet r = s.executeQuery("SELECT count(*), coalesce(sum(balance), 0) FROM shop.accounts")) {
                r.next();
                long accounts = r.getLong(1);
                long sum = r.getLong(2);
                if (accounts != 0 && accounts != Shop.ACCOUNTS) {
                    found.add(accounts + " accounts instead of " + Shop.ACCOUNTS + " (a key update seen in part)");
                }
                if (accounts != 0 && sum != Shop.ACCOUNTS * Shop.BALANCE_EACH) {
                    found.add("the balances add up to " + sum + " instead of " + Shop.ACCOUNTS * Shop.BALANCE_EACH
                            + " (one side of a transfer)");
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        return found;
    }

    private static void one(Statement s, String sql, java.util.function.LongFunction<String> what, List<String> found)
            throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            if (r.getLong(1) != 0) {
                found.add(what.apply(r.getLong(1)));
            }
        }
    }
}
