package io.lifeboat.replication;

import io.lifeboat.loopback.testing.SharedServers;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link ReplicationLinkTest}'s databases at home and offsite: statements, and waiting until they are equal. */
final class LinkDatabases {

    /** How long the link is given to show a change. */
    static final Duration SOON = Duration.ofSeconds(60);

    // Read, not injected: Quarkus would check an injected key in every test class's application.
    private static final String DATABASE = ConfigProvider.getConfig().getValue("test.home.database", String.class);

    private LinkDatabases() {
    }

    static Connection home() throws SQLException {
        return SharedServers.postgres("home").connect(DATABASE);
    }

    static Connection offsite() throws SQLException {
        return SharedServers.postgres("offsite").connect(DATABASE);
    }

    static void awaitEqual() {
        await().atMost(SOON).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            try (Connection h = home(); Connection o = offsite()) {
                assertThat(DemoSchema.checksums(o)).isEqualTo(DemoSchema.checksums(h));
            }
        });
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (c; Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    /** The number {@code query} (a count) selects on {@code c}, which it closes. */
    static int count(Connection c, String query) throws SQLException {
        try (c; Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            r.next();
            return r.getInt(1);
        }
    }
}
