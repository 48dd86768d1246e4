package io.lifeboat.replication.drift;

import io.lifeboat.replication.db.TableShape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** DDL is not replicated: this compares what the two sides have, column by column. */
public final class SchemaComparison {

    private SchemaComparison() {
    }

    public static List<ColumnDrift> compare(Map<String, TableShape> source, Map<String, TableShape> target) {
        List<ColumnDrift> drift = new ArrayList<>();
        source.forEach((name, s) -> {
            TableShape t = target.get(name);
            if (t == null) {
                drift.add(new ColumnDrift(name, null, "exists", "missing"));
                return;
            }
            for (TableShape.Column column : s.columns()) {
                String targetType = t.column(column.name()).map(TableShape.Column::type).orElse("missing");
                if (!targetType.equals(column.type())) {
                    drift.add(new ColumnDrift(name, column.name(), column.type(), targetType));
                }
            }
            for (TableShape.Column column : t.columns()) {
                if (s.column(column.name()).isEmpty()) {
                    drift.add(new ColumnDrift(name, column.name(), "missing", column.type()));
                }
            }
            if (!s.primaryKey().equals(t.primaryKey())) {
                drift.add(new ColumnDrift(name, "PRIMARY KEY", s.primaryKey().toString(), t.primaryKey().toString()));
            }
        });
        return drift;
    }
}
