package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo tables (many types, a composite key, TOAST-sized text) and a checksum to compare two sites by. */
public final class DemoSchema {

    public static final List<String> TABLES = List.of("demo.customers", "demo.arrays", "demo.measurements");

    private DemoSchema() {
    }

    /** A database of this schema at both sites, {@code homeRows} rows in each table at home: a link's world. */
    public static void createAtBoth(PostgresServer home, PostgresServer offsite, String database, int homeRows)
            throws SQLException {
        home.createDatabase(database);
        offsite.createDatabase(database);
        try (Connection h = home.connect(database); Connection o = offsite.connect(database)) {
            create(h);
            create(o);
            insertRows(h, 1, homeRows);
        }
    }

    public static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS demo");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS demo.customers (
                      id bigserial PRIMARY KEY, name text NOT NULL, balance numeric(14,2), signed_up timestamptz,
                      last_seen timestamp, born date, profile jsonb, avatar bytea, notes text, tags text[],
                      active boolean, score double precision, uid uuid)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS demo.arrays (
                      id int PRIMARY KEY, serial_no text UNIQUE, capacity_gb bigint, ints int[], nums numeric[],
                      installed timestamptz)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS demo.measurements (
                      array_id int NOT NULL, at timestamptz NOT NULL, iops bigint, latency_ms numeric(10,3),
                      PRIMARY KEY (array_id, at))""");
        }
    }

    /** Writes rows of every kind, keyed from {@code from}. */
    public static void insertRows(Connection c, int from, int count) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO demo.customers (name, balance, signed_up, last_seen, born, profile, avatar, notes,"
                    + " tags, active, score, uid) SELECT 'customer ' || g, (g * 10.25)::numeric(14,2),"
                    + " timestamptz '2024-01-01 10:00:00.123456+00' + g * interval '1 minute',"
                    + " timestamp '2024-02-03 04:05:06.789012' + g * interval '1 second', date '1980-01-01' + g,"
                    + " jsonb_build_object('tier', g % 3, 'tags', jsonb_build_array('a', g)), decode(md5(g::text), 'hex'),"
                    + " CASE WHEN g % 5 = 0 THEN repeat(md5(g::text), 400) ELSE NULL END,"
                    + " ARRAY['x' || g, 'y, z', NULL], g % 2 = 0, g / 7.0, md5(g::text)::uuid"
                    + " FROM generate_series(" + from + ", " + (from + count - 1) + ") g");
            s.execute("INSERT INTO demo.arrays (id, serial_no, capacity_gb, ints, nums, installed) SELECT g, 'SN-' || g,"
                    + " g * 1024, ARRAY[g, g + 1, NULL], ARRAY[g * 1.5, 0.001], now() FROM generate_series(" + from
                    + ", " + (from + count - 1) + ") g");
            s.execute("INSERT INTO demo.measurements (array_id, at, iops, latency_ms) SELECT g % 10,"
                    + " timestamptz '2024-03-01 00:00:00+00' + g * interval '1 second', g * 3, g / 1000.0"
                    + " FROM generate_series(" + from + ", " + (from + count - 1) + ") g");
        }
    }

    /** One md5 per table over every row in key order: equal checksums mean equal contents. */
    public static Map<String, String> checksums(Connection c) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String table : TABLES) {
                String order = table.equals("demo.measurements") ? "array_id, at" : "id";
                try (ResultSet r = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY "
                        + order + ")), '-') FROM " + table + " t")) {
                    r.next();
                    sums.put(table, r.getString(1));
                }
            }
        }
        return sums;
    }
}
