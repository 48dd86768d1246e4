package io.lifeboat.replication.link;

import io.lifeboat.loopback.FreePorts;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.SharedServers;
import io.lifeboat.replication.db.LifeboatSchema;
import io.lifeboat.replication.db.PgEndpoint;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeat row a capture writes at its source before the engine starts, so that an idle source's first change
 * is in the slot at once (not one heartbeat interval later): real PostgreSQL.
 */
class SourcePreparationTest {

    private static final String DATABASE = "source_beat";

    @Test
    void theCaptureStartsAfterAHeartbeatRowWrittenAtTheSource() throws Exception {
        PostgresServer pg = SharedServers.postgres("home");
        pg.createDatabase(DATABASE);
        Timestamp before;
        try (Connection c = pg.connect(DATABASE); Statement s = c.createStatement()) {
            LifeboatSchema.ensure(c);
            s.execute("DELETE FROM " + LifeboatSchema.HEARTBEAT_TABLE);
            try (ResultSet r = s.executeQuery("SELECT clock_timestamp()")) {
                r.next();
                before = r.getTimestamp(1);
            }
        }
        LinkDefinition link = link(PgEndpoint.of("home", pg.jdbcUrl(DATABASE), pg.user(), pg.password()));
        AtomicReference<Timestamp> seenByCapture = new AtomicReference<>();

        SourcePreparation.beatThen(link, () -> seenByCapture.set(beatAt(pg, link.id()))).run();

        assertThat(seenByCapture.get()).as("the link's heartbeat row, when the capture began").isNotNull()
                .isAfter(before);
    }

    @Test
    void aSourceThatDoesNotAnswerOnlySkipsTheRow() {
        LinkDefinition link = link(PgEndpoint.of("home", "jdbc:postgresql://127.0.0.1:" + FreePorts.next() + "/none",
                "nobody", "secret"));
        AtomicBoolean captured = new AtomicBoolean();

        SourcePreparation.beatThen(link, () -> captured.set(true)).run();

        assertThat(captured).as("the capture starts anyway, and says why it fails itself").isTrue();
    }

    private static LinkDefinition link(PgEndpoint source) {
        return new LinkDefinition("beat", source, source, List.of("shop"), List.of(), List.of(), "lifeboat_beat",
                "lifeboat_beat", Duration.ofSeconds(1), 1L << 30, 1000, Duration.ofSeconds(60), 1,
                Duration.ofSeconds(10));
    }

    private static Timestamp beatAt(PostgresServer pg, String linkId) {
        try (Connection c = pg.connect(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT beat_at FROM " + LifeboatSchema.HEARTBEAT_TABLE
                     + " WHERE link_id = '" + linkId + "'")) {
            return r.next() ? r.getTimestamp(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
