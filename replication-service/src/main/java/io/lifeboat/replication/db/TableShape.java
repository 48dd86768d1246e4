package io.lifeboat.replication.db;

import java.util.List;
import java.util.Optional;

/** A table's columns and primary key as one database sees them. */
public record TableShape(String schema, String name, List<Column> columns, List<String> primaryKey) {

    /** @param category PostgreSQL's {@code pg_type.typcategory} ('A' array, 'D' date/time, ...) */
    public record Column(String name, String type, String category, boolean notNull) {
    }

    public String qualified() {
        return schema + "." + name;
    }

    /** Quoted for SQL. */
    public String sqlName() {
        return quote(schema) + "." + quote(name);
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
