package io.lifeboat.replication.link;

import io.lifeboat.events.fence.DatabaseFence;
import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.replication.db.ComparisonSessions;
import io.lifeboat.replication.db.PgEndpoint;
import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FENCE and UNFENCE of a site: every database of the site (each database that is the source or the target of one of
 * this service's links there), not the first one found.
 *
 * <p>FENCE, in each database: the application roles' {@code LOGIN} taken away and their sessions ended
 * ({@link DatabaseFence}), new transactions read-only by default for all but Lifeboat's roles, the sessions of every
 * other role but Lifeboat's ended (chosen by role, never by the application name a client sets), the read-only guard
 * on every replicated table (which no session can switch off, and which no session's lock holds up:
 * {@link io.lifeboat.replication.db.TableLocks}), and the database's record FENCED at the command's epoch.
 * UNFENCE undoes exactly that: the roles Lifeboat locked can log in again, the read-only default goes, the guard goes
 * from the tables of links the database is the source of (a standby keeps it), and the record says ACTIVE or STANDBY.
 *
 * <p>A database that cannot be reached does not stop the others: each is done, and the command fails naming those
 * that were not.
 */
public final class SiteFence {

    private static final Logger LOG = Logger.getLogger(SiteFence.class);

    private SiteFence() {
    }

    /** The databases of {@code site}, each with the links it belongs to, keyed by its JDBC URL. */
    private static Map<String, List<ReplicationLink>> databases(String site, Collection<ReplicationLink> links) {
        Map<String, List<ReplicationLink>> byDatabase = new LinkedHashMap<>();
        for (ReplicationLink link : links) {
            PgEndpoint at = endpointAt(link.definition(), site);
            if (at != null) {
                byDatabase.computeIfAbsent(at.jdbcUrl(), k -> new ArrayList<>()).add(link);
            }
        }
        return byDatabase;
    }

    private static PgEndpoint endpointAt(LinkDefinition d, String site) {
        return d.source().site().equals(site) ? d.source() : d.target().site().equals(site) ? d.target() : null;
    }

    public static Map<String, String> fence(String site, Collection<ReplicationLink> links, List<String> roles,
            long epoch, String why) throws SQLException {
        String reason = site + " fenced by replication-service at epoch " + epoch + " (" + why + ")";
        return eachDatabase(site, links, "fence", (c, onIt, details) -> {
            // The application's door first (no new login), then every session but Lifeboat's, then the guard.
            if (roles.isEmpty()) {
                details.put("applicationRoles", "none configured (lifeboat.replication.sites." + site
                        + ".application-roles): applications can still log in");
            } else {
                DatabaseFence.FenceReport report = DatabaseFence.fence(c, roles, reason);
                details.put("applicationRolesFenced", String.join(",", DatabaseFence.fencedRoles(c, roles)));
                details.put("applicationSessionsEnded", Integer.toString(report.sessionsEnded()));
            }
            Map<String, TableShape> tables = tables(c, onIt);
            int others = SiteGuard.fence(c, tables.values(), reason, lifeboatRoles(onIt, site));
            details.put("tablesGuarded", Integer.toString(tables.size()));
            details.put("otherSessionsEnded", Integer.toString(others));
            SiteRole.write(c, SiteRole.Role.FENCED, epoch, reason);
        });
    }

    public static Map<String, String> unfence(String site, Collection<ReplicationLink> links, List<String> roles,
            long epoch, String why) throws SQLException {
        String reason = site + " unfenced by replication-service at epoch " + epoch + " (" + why + ")";
        return eachDatabase(site, links, "unfence", (c, onIt, details) -> {
            List<String> restored = roles.isEmpty() ? List.of() : DatabaseFence.unfence(c, roles);
            List<ReplicationLink> readFrom = onIt.stream()
                    .filter(l -> l.definition().source().site().equals(site)).toList();
            Map<String, TableShape> unguard = tables(c, readFrom);
            // A comparison reading this source holds its tables (Lifeboat's own role, so TableLocks spares it): the
            // application waits for UNFENCE, and UNFENCE does not wait for a comparison.
            int comparisons = 0;
            for (ReplicationLink link : readFrom) {
                comparisons += ComparisonSessions.end(c, link.id());
            }
            if (comparisons > 0) {
                details.put("comparisonSessionsEnded", Integer.toString(comparisons));
            }
            int ended = SiteGuard.unfence(c, unguard.values(), lifeboatRoles(onIt, site));
            details.put("applicationRolesRestored", String.join(",", restored));
            details.put("lockingSessionsEnded", Integer.toString(ended));
            details.put("guardLifted", Integer.toString(unguard.size()));
            SiteRole.Role now = readFrom.isEmpty() ? SiteRole.Role.STANDBY : SiteRole.Role.ACTIVE;
            SiteRole.write(c, now, epoch, reason);
            details.put("role", now.name());
        });
    }

    /** What PROMOTE gives back to the database it makes active: the roles a FENCE locked there, and its record. */
    static List<String> promoted(Connection c, List<String> roles, long epoch, String why) throws SQLException {
        List<String> restored = roles.isEmpty() ? List.of() : DatabaseFence.unfence(c, roles);
        SiteRole.write(c, SiteRole.Role.ACTIVE, epoch, why);
        return restored;
    }

    private interface DatabaseWork {
        void run(Connection c, List<ReplicationLink> linksOnIt, Map<String, String> details) throws SQLException;
    }

    private static Map<String, String> eachDatabase(String site, Collection<ReplicationLink> links, String what,
            DatabaseWork work) throws SQLException {
        Map<String, List<ReplicationLink>> databases = databases(site, links);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("site", site);
        details.put("databases", Integer.toString(databases.size()));
        List<String> failed = new ArrayList<>();
        for (List<ReplicationLink> onIt : databases.values()) {
            PgEndpoint endpoint = endpointAt(onIt.get(0).definition(), site);
            String label = endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database();
            Map<String, String> done = new LinkedHashMap<>();
            try (Connection c = endpoint.connect("lifeboat-" + what + "-" + site)) {
                work.run(c, onIt, done);
                done.forEach((k, v) -> details.put(label + "." + k, v));
                LOG.infof("%s of %s: %s %s", what, site, label, done);
            } catch (SQLException e) {
                String first = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                failed.add(label + ": " + first);
                LOG.warnf("%s of %s: %s not done: %s", what, site, label, first);
            }
        }
        if (!failed.isEmpty()) {
            throw new SQLException(what + " of " + site + " not done at " + failed.size() + " of " + databases.size()
                    + " databases (" + String.join("; ", failed) + "); the others are done: " + details);
        }
        return details;
    }

    private static Map<String, TableShape> tables(Connection c, List<ReplicationLink> links) throws SQLException {
        Map<String, TableShape> tables = new LinkedHashMap<>();
        for (ReplicationLink link : links) {
            tables.putAll(link.replicated(TableCatalog.read(c, link.definition().schemas())));
        }
        return tables;
    }

    /** The roles Lifeboat's own services log in as to this database: their sessions are never ended. */
    private static Set<String> lifeboatRoles(List<ReplicationLink> links, String site) {
        Set<String> roles = new LinkedHashSet<>();
        links.forEach(l -> roles.add(endpointAt(l.definition(), site).user()));
        return roles;
    }
}
