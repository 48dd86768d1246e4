package io.lifeboat.heartbeat.warden;

import io.lifeboat.events.AlertRaised;
import io.lifeboat.events.testing.TopicReader;
import io.lifeboat.heartbeat.config.WardenSettings;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.NetworkCut;
import io.lifeboat.loopback.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static io.lifeboat.heartbeat.warden.WardenWorld.APP;
import static io.lifeboat.heartbeat.warden.WardenWorld.APP_PASSWORD;
import static io.lifeboat.heartbeat.warden.WardenWorld.DATABASE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The packaged heartbeat-service as home's site warden, in its own JVM, with home's PostgreSQL and the application
 * writing there as its own role. Then home is cut off from Kafka for real (an nft rule drops what the warden's
 * process, and only it, sends to the broker's port) while everything at home stays up: the warden must fence home's
 * database before failover could promote offsite, so that the application's writes stop; the writer's own record
 * of committed rows is what the database is checked against. When the cut heals, the alert goes out.
 */
class WardenCutOffIT {

    /** As the shipped defaults: the longer of (down-after 3 - 1) x interval 2 s and failover's grace 5 s. */
    private static final Duration PROMOTION_GRACE = WardenSettings.promotionGrace(3, Duration.ofSeconds(2),
            Duration.ofSeconds(5));

    private static WardenWorld world;
    private static NetworkCut cut;
    private static AppWriter writer;

    @BeforeAll
    static void world() throws Exception {
        // This test cuts the broker off from one process: its own broker, its own database.
        world = WardenWorld.start("warden-it", KafkaBroker::new);
        cut = new NetworkCut("warden");
        ServiceProcess warden = world.warden(world.kafka.clientSettings("lifeboat"),
                List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
        warden.start();
        // Into its own cgroup before it opens a socket: the cut then matches its traffic and no one else's.
        cut.adopt(warden.pid().orElseThrow());
        warden.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (writer != null) {
            writer.stopAndJoin();
        }
        if (world != null) {
            world.close(cut);
        }
    }

    @Test
    void homeCutOffFromKafkaFencesItsOwnDatabaseBeforeOffsiteCouldBePromoted() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> "HOLDING".equals(world.status().get("standing")));
        writer = new AppWriter(world.home.jdbcUrl(DATABASE));
        writer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.committed().size() >= 50);

        cut.dropFromAdoptedTo(world.kafka.port());
        long cutAt = System.nanoTime();

        await().atMost(PROMOTION_GRACE.plusSeconds(20)).until(() -> writer.firstRefusal() > 0);
        Duration fencedAfter = Duration.ofNanos(writer.firstRefusal() - cutAt);
        System.out.printf("warden: home cut off from Kafka; the application's writes refused %d ms later (lease %s,"
                + " other site promotable after %s at the earliest)%n", fencedAfter.toMillis(),
                Duration.ofMillis(2500), PROMOTION_GRACE);
        // The safety property itself, not a performance figure: fenced before offsite could be promoted.
        assertThat(fencedAfter).isLessThan(PROMOTION_GRACE);
        assertThat(fencedAfter).isGreaterThanOrEqualTo(Duration.ofMillis(1500));

        // The writer is refused once the roles are locked; the warden reports FENCED once every database is done.
        await().atMost(Duration.ofSeconds(10)).until(() -> "FENCED".equals(world.status().get("standing")));
        Map<String, Object> fenced = world.status();
        assertThat((String) fenced.get("cause")).contains("lease of home not renewed");

        // The application cannot come back: a new login is refused, and nothing more is committed.
        assertThatThrownBy(() -> DriverManager.getConnection(world.home.jdbcUrl(DATABASE), APP, APP_PASSWORD).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("not permitted to log in");
        int committedAtFence = writer.committed().size();
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.refusals() >= 10);
        assertThat(writer.committed()).hasSize(committedAtFence);

        // The database holds what the writer committed and at most the one row whose COMMIT got no answer.
        Set<Long> rows = new HashSet<>();
        try (Connection c = world.home.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM public.orders")) {
            while (r.next()) {
                rows.add(r.getLong(1));
            }
        }
        assertThat(rows).containsAll(writer.committed());
        Set<Long> unaccounted = new HashSet<>(rows);
        unaccounted.removeAll(writer.committed());
        assertThat(unaccounted).isSubsetOf(writer.inDoubt());
        try (Connection c = world.home.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT reason FROM lifeboat_site.fenced_role WHERE role_name = 'app'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).startsWith("site warden: lease of home not renewed");
        }

        // Kafka back: the alert that was waiting goes out, saying how long it took.
        cut.heal();
        try (TopicReader alerts = new TopicReader(world.kafka.bootstrapServers(), "lifeboat.alerts")) {
            AlertRaised alert = (AlertRaised) alerts.awaitEvent(e -> e.payload() instanceof AlertRaised a
                    && a.kind().equals(WardenRules.SELF_FENCED), Duration.ofSeconds(60)).payload();
            assertThat(alert.siteId()).isEqualTo("home");
            assertThat(alert.reason()).contains("home fenced itself").contains("roles locked now: app");
        }
        // Renewals again, but the warden does not unfence: failback does.
        assertThat(world.status().get("standing")).isEqualTo("FENCED");
    }

    /** Writes as the application's role, one row per transaction, and keeps trying (reconnecting) when refused. */
    private static final class AppWriter extends Thread {
        private final String url;
        private final Set<Long> committed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Set<Long> inDoubt = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private volatile long firstRefusal;
        private volatile int refusals;
        private volatile boolean running = true;

        AppWriter(String url) {
            super("app-writer");
            this.url = url;
        }

        Set<Long> committed() {
            return Set.copyOf(committed);
        }

        Set<Long> inDoubt() {
            return Set.copyOf(inDoubt);
        }

        long firstRefusal() {
            return firstRefusal;
        }

        int refusals() {
            return refusals;
        }

        @Override
        public void run() {
            long next = 1;
            Properties p = new Properties();
            p.setProperty("user", APP);
            p.setProperty("password", APP_PASSWORD);
            p.setProperty("connectTimeout", "2");
            p.setProperty("socketTimeout", "5");
            while (running) {
                try (Connection c = DriverManager.getConnection(url, p); Statement s = c.createStatement()) {
                    while (running) {
                        long id = next++;
                        inDoubt.add(id);
                        s.executeUpdate("INSERT INTO public.orders (id) VALUES (" + id + ")");
                        committed.add(id);
                        inDoubt.remove(id);
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // ~50 rows a second
                    }
                } catch (SQLException refused) {
                    if (firstRefusal == 0) {
                        firstRefusal = System.nanoTime();
                    }
                    refusals++;
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // the application retrying
                }
            }
        }

        void stopAndJoin() throws InterruptedException {
            running = false;
            join(10_000);
        }
    }
}
