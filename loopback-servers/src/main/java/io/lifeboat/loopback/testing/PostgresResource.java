package io.lifeboat.loopback.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.TwoSiteWorld;

/**
 * The shared home and offsite PostgreSQL servers for {@code @QuarkusTest}s, with one database created on each.
 *
 * <p>Returns, for each site {@code home} and {@code offsite}, under these default keys (each renamable with an init
 * arg of the name in brackets):
 * {@code lifeboat.sites.<site>.db.url} [{@code <site>.url}],
 * {@code lifeboat.sites.<site>.db.username} [{@code <site>.username}],
 * {@code lifeboat.sites.<site>.db.password} [{@code <site>.password}],
 * {@code lifeboat.sites.<site>.db.host} [{@code <site>.host}],
 * {@code lifeboat.sites.<site>.db.port} [{@code <site>.port}],
 * {@code lifeboat.sites.<site>.db.database} [{@code <site>.database}].
 * The init arg {@code database} names the database (default {@code lifeboat}).
 */
public class PostgresResource extends SharedServerResource {

    @Override
    public Map<String, String> start() {
        String database = keys.arg("database", TwoSiteWorld.DEFAULT_DATABASE);
        Map<String, String> config = new LinkedHashMap<>();
        for (String site : TwoSiteWorld.SITES) {
            PostgresServer pg = SharedServers.postgres(site);
            pg.createDatabase(database);
            String prefix = "lifeboat.sites." + site + ".db.";
            config.put(keys.key(site + ".url", prefix + "url"), pg.jdbcUrl(database));
            config.put(keys.key(site + ".username", prefix + "username"), pg.user());
            config.put(keys.key(site + ".password", prefix + "password"), pg.password());
            config.put(keys.key(site + ".host", prefix + "host"), pg.host());
            config.put(keys.key(site + ".port", prefix + "port"), String.valueOf(pg.port()));
            config.put(keys.key(site + ".database", prefix + "database"), database);
        }
        return config;
    }
}
