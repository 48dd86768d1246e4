package io.lifeboat.replication.compare;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Both databases of one table, each asked on its own connection, both at once (each side scans its own rows). */
final class SqlSides implements BothSides<List<String>> {

    private final TableSql sql;
    private final Connection[] connections;
    private final ExecutorService pool;

    /** @param connections source and target, each inside its comparison snapshot */
    SqlSides(TableSql sql, Connection source, Connection target, ExecutorService pool) {
        this.sql = sql;
        this.connections = new Connection[] {source, target};
        this.pool = pool;
    }

    private <T> List<T> both(java.util.function.Function<Connection, Callable<T>> query) throws Exception {
        Future<T> source = pool.submit(query.apply(connections[0]));
        T target = query.apply(connections[1]).call();
        return List.of(source.get(), target);
    }

    @Override
    public RangeSummary[] summaries(KeyRange<List<String>> range) throws Exception {
        return both(c -> () -> sql.summary(c, range)).toArray(RangeSummary[]::new);
    }

    @Override
    public List<List<String>> splitPoints(int side, KeyRange<List<String>> range, long rows, long step)
            throws Exception {
        return sql.splitPoints(connections[side], range, rows, step);
    }

    @Override
    public List<Map<List<String>, String>> rows(KeyRange<List<String>> range) throws Exception {
        return both(c -> () -> sql.rows(c, range));
    }
}
