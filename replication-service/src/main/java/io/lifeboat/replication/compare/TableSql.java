package io.lifeboat.replication.compare;

import io.lifeboat.replication.db.TableShape;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One table's comparison queries at one database. A key is its primary-key columns as text, cast back to their
 * types in SQL, so ranges are cut and ordered by the database's own key order. A row's hash is the first 64 bits of
 * the md5 of its text ({@code ROW(columns)::text}, the columns both sides have, in the source's order); sessions
 * run with the same text settings at both sides ({@link #CANONICAL_TEXT}), so equal values read as equal text.
 */
final class TableSql {

    /** Session settings under which a value's text does not depend on the server's or the role's configuration. */
    static final List<String> CANONICAL_TEXT = List.of("SET TimeZone = 'UTC'", "SET DateStyle = 'ISO, YMD'",
            "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 1", "SET bytea_output = 'hex'");

    private final String table;
    private final List<String> key;
    private final List<String> keyTypes;
    private final String rowHash;

    /** @param columns the columns both sides have, in the source's order */
    TableSql(TableShape shape, List<String> columns) {
        this.table = "ONLY " + shape.sqlName();
        this.key = shape.primaryKey().stream().map(TableShape::quote).toList();
        this.keyTypes = shape.primaryKey().stream().map(k -> shape.column(k).orElseThrow().type()).toList();
        this.rowHash = "('x' || left(md5(ROW(" + columns.stream().map(TableShape::quote)
                .collect(Collectors.joining(", ")) + ")::text), 16))::bit(64)::bigint";
    }

    private String keyTuple() {
        return "(" + String.join(", ", key) + ")";
    }

    private String valueTuple() {
        return "(" + keyTypes.stream().map(t -> "?::" + t).collect(Collectors.joining(", ")) + ")";
    }

    private String where(KeyRange<List<String>> r) {
        List<String> parts = new ArrayList<>();
        if (r.after() != null) {
            parts.add(keyTuple() + " > " + valueTuple());
        }
        if (r.upTo() != null) {
            parts.add(keyTuple() + " <= " + valueTuple());
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    private int bind(PreparedStatement s, KeyRange<List<String>> r, int from) throws SQLException {
        int i = from;
        for (List<String> k : java.util.Arrays.asList(r.after(), r.upTo())) {
            if (k != null) {
                for (String v : k) {
                    s.setString(i++, v);
                }
            }
        }
        return i;
    }

    RangeSummary summary(Connection c, KeyRange<List<String>> r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*), coalesce(sum(" + rowHash + "), 0)::text FROM "
                + table + where(r))) {
            bind(s, r, 1);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new RangeSummary(rs.getLong(1), rs.getString(2));
            }
        }
    }

    List<List<String>> splitPoints(Connection c, KeyRange<List<String>> r, long rows, long step) throws SQLException {
        String keyText = key.stream().map(k -> k + "::text").collect(Collectors.joining(", "));
        try (PreparedStatement s = c.prepareStatement("SELECT " + keyText + " FROM (SELECT " + String.join(", ", key)
                + ", row_number() OVER (ORDER BY " + String.join(", ", key) + ") AS lifeboat_rn FROM " + table + where(r)
                + ") x WHERE lifeboat_rn % ? = 0 AND lifeboat_rn < ? ORDER BY lifeboat_rn")) {
            int i = bind(s, r, 1);
            s.setLong(i, step);
            s.setLong(i + 1, rows);
            return keys(s);
        }
    }

    Map<List<String>, String> rows(Connection c, KeyRange<List<String>> r) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(rowsSelect() + where(r) + " ORDER BY " + String.join(", ", key))) {
            bind(s, r, 1);
            return rowMap(s);
        }
    }

    /** The rows of these keys, key to row hash; {@code lock} takes a share lock on each (no source transaction can change them meanwhile). */
    Map<List<String>, String> rowsOf(Connection c, List<List<String>> keys, boolean lock) throws SQLException {
        if (keys.isEmpty()) {
            return Map.of();
        }
        String in = keys.stream().map(k -> valueTuple()).collect(Collectors.joining(", "));
        try (PreparedStatement s = c.prepareStatement(rowsSelect() + " WHERE " + keyTuple() + " IN (" + in + ")"
                + " ORDER BY " + String.join(", ", key) + (lock ? " FOR SHARE" : ""))) {
            int i = 1;
            for (List<String> k : keys) {
                for (String v : k) {
                    s.setString(i++, v);
                }
            }
            return rowMap(s);
        }
    }

    private String rowsSelect() {
        return "SELECT " + key.stream().map(k -> k + "::text").collect(Collectors.joining(", ")) + ", " + rowHash
                + "::text FROM " + table;
    }

    private Map<List<String>, String> rowMap(PreparedStatement s) throws SQLException {
        Map<List<String>, String> rows = new LinkedHashMap<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.put(key(rs), rs.getString(key.size() + 1));
            }
        }
        return rows;
    }

    private List<List<String>> keys(PreparedStatement s) throws SQLException {
        List<List<String>> keys = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                keys.add(key(rs));
            }
        }
        return keys;
    }

    private List<String> key(ResultSet rs) throws SQLException {
        List<String> k = new ArrayList<>(key.size());
        for (int i = 1; i <= key.size(); i++) {
            k.add(rs.getString(i));
        }
        return List.copyOf(k);
    }
}
