package io.lifeboat.replication.consistency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Writes the {@link Shop} workload at the source, each business action one transaction, about {@code perSecond}
 * a second: an order with its lines (1 to 20), a transfer between two accounts, a primary-key update of an account.
 * It keeps its own record of what it committed: the ids of orders whose COMMIT returned, in commit order (one
 * writer, so ids grow with commits), and the one order whose COMMIT was sent but not answered when the source died
 * (in doubt). That record, not the other site, is what a standby is compared against.
 */
public final class ShopWriter extends Thread {

    private final Supplier<Connection> source;
    private final int perSecond;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong nextOrder;
    /**
     * New primary keys for accounts, shared by every writer of the JVM: a second writer starting again at the first
     * one's keys hit a unique violation, stopped, and a test waited two minutes for transactions that never came.
     */
    private static final AtomicLong NEXT_ACCOUNT_KEY = new AtomicLong(1_000_000);
    private final Random random = new Random(42);
    private final java.util.concurrent.locks.ReentrantLock gate = new java.util.concurrent.locks.ReentrantLock();
    /** Orders committed (COMMIT returned), in commit order. */
    public final List<Long> committed = new CopyOnWriteArrayList<>();
    /** The order whose COMMIT was sent when the connection broke, or -1. */
    public volatile long inDoubt = -1;
    public final AtomicLong transactions = new AtomicLong();
    /** Why the writer stopped before {@link #finish}, or null: a source that died, or a bug in the workload. */
    public volatile Exception stoppedBy;

    public ShopWriter(Supplier<Connection> source, long firstOrder, int perSecond) {
        super("shop-writer");
        setDaemon(true);
        this.source = source;
        this.perSecond = perSecond;
        this.nextOrder = new AtomicLong(firstOrder);
    }

    /** Runs work while the writer waits between two of its transactions (commit order stays the id order). */
    public <T> T exclusively(java.util.concurrent.Callable<T> work) throws Exception {
        gate.lock();
        try {
            return work.call();
        } finally {
            gate.unlock();
        }
    }

    /** A large order on the caller's connection, between two of the writer's transactions. */
    public long largeOrder(Connection c, int lines) throws Exception {
        return exclusively(() -> {
            c.setAutoCommit(false);
            return order(c, lines);
        });
    }

    public void finish() throws InterruptedException {
        running.set(false);
        join(60_000);
    }

    @Override
    public void run() {
        try (Connection c = source.get()) {
            c.setAutoCommit(false);
            long due = System.nanoTime();
            while (running.get()) {
                due += 1_000_000_000L / perSecond;
                LockSupport.parkNanos(due - System.nanoTime());
                gate.lock();
                try {
                    int dice = random.nextInt(100);
                    if (dice < 70) {
                        order(c, 1 + random.nextInt(20));
                    } else if (dice < 95) {
                        transfer(c);
                    } else {
                        moveAccountKey(c);
                    }
                    transactions.incrementAndGet();
                } finally {
                    gate.unlock();
                }
            }
        } catch (Exception stopped) {
            // The source died under it (what it recorded is what it saw committed, and the one in doubt), or the
            // workload failed: said, so that a test waiting for more transactions knows why none come.
            stoppedBy = stopped;
            if (running.get()) {
                System.err.printf("shop writer stopped after %d transactions: %s%n", transactions.get(), stopped);
            }
        }
    }

    /** One order with {@code lines} lines, in one transaction; also used for very large transactions. */
    public long order(Connection c, int lines) throws SQLException {
        long id = nextOrder.getAndIncrement();
        long total = 0;
        try (PreparedStatement line = c.prepareStatement("INSERT INTO shop.order_lines VALUES (?, ?, ?)")) {
            for (int i = 1; i <= lines; i++) {
                long amount = 1 + (id + i) % 97;
                total += amount;
                line.setLong(1, id);
                line.setInt(2, i);
                line.setLong(3, amount);
                line.addBatch();
                if (i % 5000 == 0) {
                    insertOrderOnce(c, id, lines, -1);
                    line.executeBatch();
                }
            }
            insertOrderOnce(c, id, lines, total);
            line.executeBatch();
        }
        commit(c, id);
        return id;
    }

    private final java.util.Set<Long> ordersStarted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The order row goes in before its lines (foreign key); its total is set when all lines are known. */
    private void insertOrderOnce(Connection c, long id, int lines, long total) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (ordersStarted.add(id)) {
                s.execute("INSERT INTO shop.orders VALUES (" + id + ", 'customer " + (id % 13) + "', " + lines + ", "
                        + Math.max(total, 0) + ")");
            } else if (total >= 0) {
                s.execute("UPDATE shop.orders SET total = " + total + " WHERE id = " + id);
            }
        }
    }

    private void transfer(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            long amount = 1 + random.nextInt(50);
            s.execute("WITH pair AS (SELECT id FROM shop.accounts ORDER BY random() LIMIT 2),"
                    + " a AS (SELECT min(id) AS id FROM pair), b AS (SELECT max(id) AS id FROM pair)"
                    + " UPDATE shop.accounts SET balance = balance + CASE WHEN id = (SELECT id FROM a) THEN -" + amount
                    + " ELSE " + amount + " END WHERE id IN ((SELECT id FROM a), (SELECT id FROM b))");
        }
        commit(c, -1);
    }

    private void moveAccountKey(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE shop.accounts SET id = " + NEXT_ACCOUNT_KEY.getAndIncrement()
                    + " WHERE id = (SELECT id FROM shop.accounts ORDER BY random() LIMIT 1)");
        }
        commit(c, -1);
    }

    private void commit(Connection c, long order) throws SQLException {
        inDoubt = order;
        c.commit();
        inDoubt = -1;
        if (order >= 0) {
            committed.add(order);
            ordersStarted.remove(order);
        }
    }
}
