package io.lifeboat.events.fence;

import io.lifeboat.loopback.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fence against a real PostgreSQL 17, done by a role with only the rights the README lists (not a superuser):
 * the application's open session and any new one are refused whatever application name they give, a SIGKILL of the
 * server and a restart keep it so, and UNFENCE gives the application back exactly its writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseFenceTest {

    private static final String DB = "portal";
    private static final String APP = "portal_app";
    private static final String LIFEBOAT = "lifeboat";
    private static final String APP_PASSWORD = "app-secret";
    private static final String LIFEBOAT_PASSWORD = "lifeboat-secret";
    private static final List<String> ROLES = List.of(APP);

    private static PostgresServer pg;

    @BeforeAll
    static void server() throws SQLException {
        pg = new PostgresServer("fence", Path.of("target", "fence-test-" + System.nanoTime())).start();
        pg.createDatabase(DB);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + APP + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
            s.execute("CREATE ROLE " + LIFEBOAT + " LOGIN CREATEROLE PASSWORD '" + LIFEBOAT_PASSWORD + "'");
            // The fence rights and nothing more: ADMIN OPTION on the application role, signalling its backends.
            s.execute("GRANT " + APP + " TO " + LIFEBOAT + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
            s.execute("GRANT pg_signal_backend TO " + LIFEBOAT);
            s.execute("GRANT CREATE ON DATABASE " + DB + " TO " + LIFEBOAT);
            s.execute("GRANT CREATE ON SCHEMA public TO " + APP);
        }
        try (Connection app = as(APP, APP_PASSWORD, "portal"); Statement s = app.createStatement()) {
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL)");
            s.execute("INSERT INTO orders (item) VALUES ('before the fence')");
        }
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.stop();
        }
    }

    private static Connection as(String user, String password, String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(pg.jdbcUrl(DB), p);
    }

    private static Connection lifeboat() throws SQLException {
        return as(LIFEBOAT, LIFEBOAT_PASSWORD, "lifeboat-fence-test");
    }

    private static void insert(Connection c, String item) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO orders (item) VALUES ('" + item + "')");
        }
    }

    private static int count(String item) throws SQLException {
        try (Connection c = pg.connect(DB); Statement s = c.createStatement();
             var rows = s.executeQuery("SELECT count(*) FROM orders WHERE item = '" + item + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    @Order(1)
    void anApplicationSessionNamedLikeLifeboatIsEndedAndCannotLogInAgain() throws Exception {
        try (Connection disguised = as(APP, APP_PASSWORD, "lifeboat-anything")) {
            insert(disguised, "written before the fence");
            DatabaseFence.FenceReport report;
            try (Connection c = lifeboat()) {
                report = DatabaseFence.fence(c, ROLES, "test fence");
            }
            assertThat(report.rolesLocked()).containsExactly(APP);
            assertThat(report.sessionsEnded()).isEqualTo(1);
            assertThatThrownBy(() -> insert(disguised, "written after the fence on the old session"))
                    .isInstanceOf(SQLException.class);
        }
        assertThatThrownBy(() -> as(APP, APP_PASSWORD, "lifeboat-anything"))
                .hasMessageContaining("not permitted to log in");
        assertThat(count("written before the fence")).isEqualTo(1);
        assertThat(count("written after the fence on the old session")).isZero();
        try (Connection c = lifeboat()) {
            assertThat(DatabaseFence.fencedRoles(c, ROLES)).containsExactly(APP);
            // Idempotent: a second FENCE locks nothing new and still succeeds.
            assertThat(DatabaseFence.fence(c, ROLES, "again").rolesLocked()).isEmpty();
        }
    }

    @Test
    @Order(2)
    void theFenceSurvivesAKilledServerAndItsRestart() throws Exception {
        pg.kill();
        pg.start();
        assertThatThrownBy(() -> as(APP, APP_PASSWORD, "portal")).hasMessageContaining("not permitted to log in");
        try (Connection c = lifeboat()) {
            assertThat(DatabaseFence.fencedRoles(c, ROLES)).containsExactly(APP);
        }
    }

    @Test
    @Order(3)
    void unfenceRestoresTheApplicationsWritesAndOnlyWhatLifeboatLocked() throws Exception {
        try (Connection admin = pg.connect(DB); Statement s = admin.createStatement()) {
            // Locked by an administrator for reasons of their own: UNFENCE must leave it locked.
            s.execute("CREATE ROLE portal_batch NOLOGIN");
            s.execute("GRANT portal_batch TO " + LIFEBOAT + " WITH ADMIN OPTION, INHERIT FALSE, SET FALSE");
        }
        try (Connection c = lifeboat()) {
            assertThat(DatabaseFence.unfence(c, List.of(APP, "portal_batch"))).containsExactly(APP);
            assertThat(DatabaseFence.fencedRoles(c, List.of(APP, "portal_batch"))).containsExactly("portal_batch");
        }
        try (Connection app = as(APP, APP_PASSWORD, "portal")) {
            insert(app, "written after unfence");
        }
        assertThat(count("written after unfence")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void refusesToLockLifeboatsOwnRoleOrARoleThatDoesNotExist() throws Exception {
        try (Connection c = lifeboat()) {
            assertThatThrownBy(() -> DatabaseFence.fence(c, List.of(LIFEBOAT), "x")).hasMessageContaining("its own role");
            assertThatThrownBy(() -> DatabaseFence.fence(c, List.of("no_such_role"), "x"))
                    .hasMessageContaining("no_such_role does not exist");
        }
        try (Connection app = as(APP, APP_PASSWORD, "portal")) {
            insert(app, "still writable");
        }
    }

    @Test
    @Order(5)
    void theSiteRoleRecordKeepsTheNewestEpoch() throws Exception {
        try (Connection c = lifeboat()) {
            assertThat(SiteRole.read(c)).isEmpty();
            assertThat(SiteRole.write(c, SiteRole.Role.ACTIVE, 5, "promoted")).isTrue();
            assertThat(SiteRole.write(c, SiteRole.Role.FENCED, 7, "fenced")).isTrue();
            assertThat(SiteRole.write(c, SiteRole.Role.ACTIVE, 6, "an older command")).isFalse();
            SiteRole.Stored stored = SiteRole.read(c).orElseThrow();
            assertThat(stored.role()).isEqualTo(SiteRole.Role.FENCED);
            assertThat(stored.epoch()).isEqualTo(7);
            assertThat(stored.reason()).isEqualTo("fenced");
        }
    }
}
