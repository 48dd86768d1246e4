package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.replication.consistency.StandbyChecker;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Reads the standby in snapshots until stopped; every broken invariant is kept. */
final class StandbyWatcher extends Thread {

    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger snapshots = new AtomicInteger();
    final List<String> violations = new CopyOnWriteArrayList<>();
    private final PostgresServer standby;
    private final String database;

    private StandbyWatcher(PostgresServer standby, String database) {
        this.standby = standby;
        this.database = database;
        setDaemon(true);
    }

    /** A watcher of {@code database} at {@code standby}, not started. */
    static StandbyWatcher of(PostgresServer standby, String database) {
        return new StandbyWatcher(standby, database);
    }

    @Override
    public void run() {
        while (running.get()) {
            try (Connection o = standby.connect(database)) {
                while (running.get()) {
                    violations.addAll(StandbyChecker.violations(o));
                    snapshots.incrementAndGet();
                }
            } catch (SQLException e) {
                // the standby briefly unreachable: read again
            }
        }
    }

    List<String> finish() throws InterruptedException {
        running.set(false);
        join(30_000);
        return violations;
    }
}
