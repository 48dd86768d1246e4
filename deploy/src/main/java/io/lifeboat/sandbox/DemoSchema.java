package io.lifeboat.sandbox;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SaaS's data, in small: customers, the storage arrays they upload exports for, and the measurements loaded
 * from those exports. Created the same at both sites, since DDL is not replicated.
 */
final class DemoSchema {

    static final String DATABASE = "portal";

    private static final String[] DDL = {
        "CREATE SCHEMA IF NOT EXISTS demo",
        """
        CREATE TABLE IF NOT EXISTS demo.customers (
            id bigserial PRIMARY KEY,
            name text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""",
        """
        CREATE TABLE IF NOT EXISTS demo.arrays (
            customer_id bigint NOT NULL REFERENCES demo.customers(id),
            serial text NOT NULL,
            model text NOT NULL,
            PRIMARY KEY (customer_id, serial))""",
        """
        CREATE TABLE IF NOT EXISTS demo.measurements (
            id bigserial PRIMARY KEY,
            customer_id bigint NOT NULL,
            array_serial text NOT NULL,
            sampled_at timestamptz NOT NULL,
            iops integer NOT NULL,
            latency_ms numeric(10,3) NOT NULL,
            tags jsonb)""",
    };

    private DemoSchema() {
    }

    static void create(String jdbcUrl, String user, String password, boolean withSeedData) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            for (String ddl : DDL) {
                statement.execute(ddl);
            }
            if (withSeedData) {
                statement.execute("""
                    INSERT INTO demo.customers (name) SELECT 'customer-' || g FROM generate_series(1, 20) g
                    WHERE NOT EXISTS (SELECT 1 FROM demo.customers)""");
                statement.execute("""
                    INSERT INTO demo.arrays (customer_id, serial, model)
                    SELECT c.id, 'ARR-' || c.id || '-' || a, CASE WHEN a % 2 = 0 THEN 'FS9100' ELSE 'V7000' END
                    FROM demo.customers c CROSS JOIN generate_series(1, 3) a
                    ON CONFLICT DO NOTHING""");
            }
        }
    }
}
