package io.lifeboat.loopback.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.TwoSiteWorld;

/**
 * The shared home and offsite object stores for {@code @QuarkusTest}s.
 *
 * <p>Returns, for each site {@code home} and {@code offsite}, under these default keys (each renamable with an init
 * arg of the name in brackets):
 * {@code lifeboat.sites.<site>.s3.endpoint} [{@code <site>.endpoint}],
 * {@code lifeboat.sites.<site>.s3.region} [{@code <site>.region}],
 * {@code lifeboat.sites.<site>.s3.access-key} [{@code <site>.access-key}],
 * {@code lifeboat.sites.<site>.s3.secret-key} [{@code <site>.secret-key}].
 * The init arg {@code buckets} (comma-separated) names buckets to create at both sites. Clients must use path-style
 * addressing.
 */
public class ObjectStoreResource extends SharedServerResource {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new LinkedHashMap<>();
        for (String site : TwoSiteWorld.SITES) {
            ObjectStore store = SharedServers.objectStore(site);
            for (String bucket : keys.arg("buckets", "").split(",")) {
                if (!bucket.isBlank()) {
                    store.createBucket(bucket.trim());
                }
            }
            String prefix = "lifeboat.sites." + site + ".s3.";
            config.put(keys.key(site + ".endpoint", prefix + "endpoint"), store.endpoint().toString());
            config.put(keys.key(site + ".region", prefix + "region"), store.region());
            config.put(keys.key(site + ".access-key", prefix + "access-key"), store.accessKey());
            config.put(keys.key(site + ".secret-key", prefix + "secret-key"), store.secretKey());
        }
        return config;
    }
}
