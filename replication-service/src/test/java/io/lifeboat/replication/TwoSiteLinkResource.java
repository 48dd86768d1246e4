package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.testing.SharedServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fresh database on the shared home and offsite servers, with the demo tables on both and rows at home, and the
 * configuration of one link (id from the init arg {@code link}, default {@code it}) from home to offsite.
 */
public class TwoSiteLinkResource implements QuarkusTestResourceLifecycleManager {

    /** Small, so that a test can push the slot's retained WAL over it on purpose. */
    public static final int RETAINED_WAL_BOUND = 16 * 1024 * 1024;

    private String link = "it";
    /** An application role to create at home (init arg {@code applicationRole}), configured as home's. */
    private String applicationRole;
    /** An epoch at which the target database says it is ACTIVE before the service starts (a lost link record). */
    private Long targetSaysActiveAt;

    @Override
    public void init(Map<String, String> initArgs) {
        link = initArgs.getOrDefault("link", link);
        applicationRole = initArgs.get("applicationRole");
        targetSaysActiveAt = initArgs.containsKey("targetSaysActiveAt")
                ? Long.parseLong(initArgs.get("targetSaysActiveAt")) : null;
    }

    /** The application's password for {@code applicationRole}. */
    public static String applicationPassword(String role) {
        return role + "-password";
    }

    @Override
    public Map<String, String> start() {
        String database = "portal_" + link;
        Map<String, String> config = new LinkedHashMap<>();
        try {
            for (String site : new String[] {"home", "offsite"}) {
                PostgresServer pg = SharedServers.postgres(site);
                pg.createDatabase(database);
                try (Connection c = pg.connect(database)) {
                    DemoSchema.create(c);
                    if (site.equals("home")) {
                        try (Statement s = c.createStatement()) {
                            s.execute("TRUNCATE demo.customers, demo.arrays, demo.measurements");
                        }
                        DemoSchema.insertRows(c, 1, 50);
                        if (applicationRole != null) {
                            createApplicationRole(c, database);
                        }
                    } else if (targetSaysActiveAt != null) {
                        io.lifeboat.events.fence.SiteRole.write(c, io.lifeboat.events.fence.SiteRole.Role.ACTIVE,
                                targetSaysActiveAt, "promoted while the link's record was lost");
                    }
                }
                String prefix = "lifeboat.replication.links." + link + "." + (site.equals("home") ? "source" : "target") + ".";
                config.put(prefix + "site", site);
                config.put(prefix + "jdbc-url", pg.jdbcUrl(database));
                config.put(prefix + "user", pg.user());
                config.put(prefix + "password", pg.password());
                config.put("test." + site + ".database", database);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not prepare the demo databases", e);
        }
        config.put("lifeboat.replication.links." + link + ".schemas", "demo");
        config.put("lifeboat.replication.links." + link + ".retained-wal-alert-bytes", Integer.toString(RETAINED_WAL_BOUND));
        config.put("lifeboat.replication.drift-interval", "5s");
        if (applicationRole != null) {
            config.put("lifeboat.replication.sites.home.application-roles", applicationRole);
        }
        return config;
    }

    /** A role (server-wide, so created once) that may log in and write the demo tables of this database. */
    private void createApplicationRole(Connection c, String database) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + applicationRole
                    + "') THEN CREATE ROLE " + applicationRole + " LOGIN PASSWORD '"
                    + applicationPassword(applicationRole) + "'; END IF; END $$");
            s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + applicationRole);
            s.execute("GRANT USAGE ON SCHEMA demo TO " + applicationRole);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA demo TO " + applicationRole);
            s.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA demo TO " + applicationRole);
        }
    }

    @Override
    public void stop() {
        // the shared servers stop with the JVM
    }
}
