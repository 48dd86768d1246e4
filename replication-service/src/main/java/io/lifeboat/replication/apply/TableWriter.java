package io.lifeboat.replication.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.TableShape;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns change events for one target table into SQL. Values arrive as Debezium JSON; the target column's own type
 * (from the catalog) says how to turn each back into exactly what the source held.
 */
final class TableWriter {

    /** Debezium's stand-in for an unchanged TOASTed value it was not sent: never written into a column. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";
    private static final String UNAVAILABLE_BASE64 =
            Base64.getEncoder().encodeToString(UNAVAILABLE.getBytes(StandardCharsets.UTF_8));
    private static final Pattern PRECISION = Pattern.compile("\\((\\d)\\)");

    private final TableShape table;
    private final java.util.Set<String> columnNames;
    private final Map<String, String> upsertSql = new ConcurrentHashMap<>();

    TableWriter(TableShape table) {
        this.table = table;
        this.columnNames = table.columns().stream().map(TableShape.Column::name)
                .collect(Collectors.toUnmodifiableSet());
    }

    TableShape table() {
        return table;
    }

    /** One statement with its parameters; {@code mustTouchRow} for partial updates (the row has to be there). */
    record Planned(String sql, List<Bound> parameters, boolean mustTouchRow) {
        void bind(PreparedStatement statement) throws SQLException {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 1, parameters.get(i).text());
            }
        }
    }

    record Bound(String column, String text) {
    }

    Planned plan(ChangeRecord change) throws SQLException {
        return switch (change.op()) {
            case UPSERT -> upsert(change.after());
            case DELETE -> delete(change.key());
            case TRUNCATE -> new Planned("TRUNCATE ONLY " + table.sqlName(), List.of(), false);
        };
    }

    private Planned upsert(JsonNode after) throws SQLException {
        if (table.primaryKey().isEmpty()) {
            throw new UnappliableChange("42P10", "target table " + table.qualified() + " has no primary key");
        }
        List<String> columns = new ArrayList<>();
        List<Bound> values = new ArrayList<>();
        boolean partial = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = after.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!columnNames.contains(field.getKey())) {
                throw new UnappliableChange("42703", "column " + field.getKey() + " does not exist in target table "
                        + table.qualified());
            }
            if (isUnavailable(field.getValue())) {
                partial = true; // leave the target's value as it is
                continue;
            }
            columns.add(field.getKey());
            values.add(new Bound(field.getKey(), text(field.getValue())));
        }
        if (partial) {
            return update(columns, values);
        }
        String key = String.join(",", columns);
        String sql = upsertSql.computeIfAbsent(key, k -> upsertSql(columns));
        return new Planned(sql, values, false);
    }

    private String upsertSql(List<String> columns) {
        List<String> updatable = columns.stream().filter(c -> !table.primaryKey().contains(c)).toList();
        return "INSERT INTO " + table.sqlName() + " ("
                + columns.stream().map(TableShape::quote).collect(Collectors.joining(", ")) + ") VALUES ("
                + columns.stream().map(this::expression).collect(Collectors.joining(", ")) + ") ON CONFLICT ("
                + table.primaryKey().stream().map(TableShape::quote).collect(Collectors.joining(", ")) + ") "
                + (updatable.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + updatable.stream()
                .map(c -> TableShape.quote(c) + " = EXCLUDED." + TableShape.quote(c))
                .collect(Collectors.joining(", ")));
    }

    /** Some columns were not sent (unchanged TOAST): update only the others, and only an existing row. */
    private Planned update(List<String> columns, List<Bound> values) throws SQLException {
        List<Bound> set = new ArrayList<>();
        List<Bound> where = new ArrayList<>();
        for (Bound value : values) {
            (table.primaryKey().contains(value.column()) ? where : set).add(value);
        }
        if (where.size() != table.primaryKey().size()) {
            throw new UnappliableChange("22023", "the change lacks primary key columns of " + table.qualified());
        }
        if (set.isEmpty()) {
            return new Planned(null, List.of(), false); // nothing it may change
        }
        String sql = "UPDATE " + table.sqlName() + " SET "
                + set.stream().map(b -> TableShape.quote(b.column()) + " = " + expression(b.column()))
                .collect(Collectors.joining(", "))
                + " WHERE " + where.stream().map(b -> TableShape.quote(b.column()) + " = " + expression(b.column()))
                .collect(Collectors.joining(" AND "));
        List<Bound> parameters = new ArrayList<>(set);
        parameters.addAll(where);
        return new Planned(sql, parameters, true);
    }

    private Planned delete(JsonNode key) throws SQLException {
        Planned match = keyMatch(key);
        return new Planned("DELETE FROM " + table.sqlName() + " WHERE " + match.sql(), match.parameters(), false);
    }

    /** The condition that selects the row with this key: {@code a = ? AND b = ?}, each cast to its column's type. */
    Planned keyMatch(JsonNode key) throws SQLException {
        List<Bound> where = new ArrayList<>();
        for (String column : table.primaryKey()) {
            if (key == null || !key.has(column)) {
                throw new UnappliableChange("22023", "the key lacks column " + column + " of "
                        + table.qualified() + " (do both sides have the same primary key?)");
            }
            where.add(new Bound(column, text(key.get(column))));
        }
        String sql = where.stream().map(b -> TableShape.quote(b.column()) + " = " + expression(b.column()))
                .collect(Collectors.joining(" AND "));
        return new Planned(sql, where, false);
    }

    /** The key as a row of SQL values, {@code (?::bigint, ?::text)}, in the order of the primary key's columns. */
    Planned keyRow(JsonNode key) throws SQLException {
        Planned match = keyMatch(key);
        return new Planned("(" + table.primaryKey().stream().map(this::expression).collect(Collectors.joining(", "))
                + ")", match.parameters(), false);
    }

    /** The SQL for one parameter, cast to the column's type from the text Debezium gave. */
    private String expression(String columnName) {
        TableShape.Column column = table.column(columnName).orElseThrow();
        String type = column.type();
        if ("A".equals(column.category())) {
            return LifeboatSchema.SCHEMA + ".json_array_to_text(?::jsonb)::" + type;
        }
        if (type.equals("bytea")) {
            return "decode(?, 'base64')";
        }
        if (type.equals("date")) {
            return "('epoch'::date + ?::int)"; // days since the epoch
        }
        if (type.startsWith("timestamp") && type.endsWith("without time zone")) {
            return "('epoch'::timestamp + ?::bigint * interval '" + unit(type) + "')::" + type;
        }
        if (type.startsWith("time") && type.endsWith("without time zone")) {
            return "('00:00'::time + ?::bigint * interval '" + unit(type) + "')::" + type;
        }
        return "?::" + type;
    }

    /** Debezium's adaptive precision: milliseconds up to precision 3, microseconds above. */
    private static String unit(String type) {
        Matcher m = PRECISION.matcher(type);
        return m.find() && Integer.parseInt(m.group(1)) <= 3 ? "1 millisecond" : "1 microsecond";
    }

    static boolean isUnavailable(JsonNode value) {
        if (value == null) {
            return false;
        }
        if (value.isTextual()) {
            return value.textValue().equals(UNAVAILABLE) || value.textValue().equals(UNAVAILABLE_BASE64);
        }
        return value.isArray() && value.size() == 1 && value.get(0).isTextual()
                && value.get(0).textValue().equals(UNAVAILABLE);
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isContainerNode()) {
            return value.toString();
        }
        return value.asText();
    }

    /** A change this table can never take as it is: not retried, the table stops and a person is told. */
    static final class UnappliableChange extends SQLException {
        UnappliableChange(String sqlState, String reason) {
            super(reason, sqlState);
        }
    }
}
