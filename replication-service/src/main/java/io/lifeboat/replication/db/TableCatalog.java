package io.lifeboat.replication.db;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads table shapes from PostgreSQL's catalog: the one source of truth for columns, types and keys. */
public final class TableCatalog {

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, a.attnotnull
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (?)
            ORDER BY n.nspname, c.relname, a.attnum
            """;

    private static final String PRIMARY_KEYS = """
            SELECT n.nspname, c.relname, a.attname
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
            WHERE i.indisprimary AND n.nspname = ANY (?)
            ORDER BY n.nspname, c.relname, array_position(i.indkey::int2[], a.attnum)
            """;

    private TableCatalog() {
    }

    /** Every ordinary or partitioned table of these schemas, by {@code schema.table}. */
    public static Map<String, TableShape> read(Connection connection, List<String> schemas) throws SQLException {
        Map<String, List<TableShape.Column>> columns = new LinkedHashMap<>();
        Map<String, List<String>> keys = new LinkedHashMap<>();
        Array schemaArray = connection.createArrayOf("text", schemas.toArray());
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setArray(1, schemaArray);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.computeIfAbsent(rows.getString(1) + "." + rows.getString(2), k -> new ArrayList<>())
                            .add(new TableShape.Column(rows.getString(3), rows.getString(4), rows.getString(5),
                                    rows.getBoolean(6)));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(PRIMARY_KEYS)) {
            statement.setArray(1, schemaArray);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.computeIfAbsent(rows.getString(1) + "." + rows.getString(2), k -> new ArrayList<>())
                            .add(rows.getString(3));
                }
            }
        }
        Map<String, TableShape> tables = new LinkedHashMap<>();
        columns.forEach((qualified, cols) -> {
            int dot = qualified.indexOf('.');
            tables.put(qualified, new TableShape(qualified.substring(0, dot), qualified.substring(dot + 1),
                    List.copyOf(cols), List.copyOf(keys.getOrDefault(qualified, List.of()))));
        });
        return tables;
    }
}
