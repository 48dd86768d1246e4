package io.lifeboat.replication.quarantine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.replication.db.PgEndpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quarantine as an operator reads it: it may sit at either site (the one that was active when the changes were
 * kept), so both are asked; a site that cannot be reached is said so, not hidden.
 */
public final class QuarantineView {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one site holds: counts per reason and table, or why it could not be read. */
    public record AtSite(String site, long changes, List<QuarantineStore.Count> counts, String unreadable) {
    }

    private QuarantineView() {
    }

    public static List<AtSite> counts(String linkId, List<PgEndpoint> sites) {
        return sites.stream().map(site -> {
            try (Connection c = site.connect("lifeboat-quarantine-" + linkId)) {
                QuarantineStore.ensure(c);
                List<QuarantineStore.Count> counts = QuarantineStore.counts(c, linkId);
                return new AtSite(site.site(), counts.stream().mapToLong(QuarantineStore.Count::changes).sum(), counts,
                        null);
            } catch (SQLException e) {
                return new AtSite(site.site(), 0, List.of(), e.getMessage().lines().findFirst().orElse("unreachable"));
            }
        }).toList();
    }

    /** Every entry of the link at every reachable site, one JSON object per line, oldest first per site. */
    public static void export(String linkId, List<PgEndpoint> sites, OutputStream out) throws SQLException {
        for (PgEndpoint site : sites) {
            try (Connection c = site.connect("lifeboat-quarantine-" + linkId)) {
                QuarantineStore.ensure(c);
                QuarantineStore.export(c, linkId, e -> line(out, site.site(), e));
            }
        }
    }

    private static void line(OutputStream out, String site, QuarantineStore.Entry e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("site", site);
        row.put("id", e.id());
        row.put("link", e.linkId());
        row.put("reason", e.reason());
        row.put("epoch", e.epoch());
        row.put("sourceSite", e.sourceSite());
        row.put("table", e.table());
        row.put("txKey", e.txKey());
        row.put("lsn", e.lsn());
        row.put("quarantinedAt", e.quarantinedAt());
        try {
            row.put("key", e.key() == null ? null : JSON.readTree(e.key()));
            row.put("change", e.change() == null ? null : JSON.readTree(e.change()));
            out.write(JSON.writeValueAsBytes(row));
            out.write("\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }
}
