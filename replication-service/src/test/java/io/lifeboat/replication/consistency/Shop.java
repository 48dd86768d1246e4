package io.lifeboat.replication.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A small shop whose invariants span tables and transactions, for checking that a standby only ever shows states
 * its source had: an order and its lines are one transaction ({@code line_count} and {@code total} say what the
 * lines must add up to), a transfer moves money between two accounts in one transaction (the sum never changes),
 * and an account's key is sometimes changed (a primary-key update moves the row).
 */
public final class Shop {

    public static final int ACCOUNTS = 50;
    public static final long BALANCE_EACH = 1_000;

    private Shop() {
    }

    public static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS shop");
            s.execute("CREATE TABLE IF NOT EXISTS shop.orders (id bigint PRIMARY KEY, customer text NOT NULL,"
                    + " line_count int NOT NULL, total bigint NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS shop.order_lines (order_id bigint NOT NULL REFERENCES shop.orders"
                    + " (id), line_no int NOT NULL, amount bigint NOT NULL, PRIMARY KEY (order_id, line_no))");
            s.execute("CREATE TABLE IF NOT EXISTS shop.accounts (id bigint PRIMARY KEY, balance bigint NOT NULL)");
        }
    }

    /** The accounts, each with the same balance (at the source only: the standby gets them by replication). */
    public static void seed(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO shop.accounts SELECT g, " + BALANCE_EACH + " FROM generate_series(1, " + ACCOUNTS
                    + ") g");
        }
    }
}
