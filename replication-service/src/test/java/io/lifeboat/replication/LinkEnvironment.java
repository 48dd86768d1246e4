package io.lifeboat.replication;

import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.OnFailure;
import io.restassured.RestAssured;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The environment a packaged replication-service gets for one link, as a Deployment would give it. */
final class LinkEnvironment {

    /** The API's tokens, the same as the test profile's (application.properties). */
    static final String VIEWER = "test-viewer-token-0000000001";
    static final String OPERATOR = "test-operator-token-000000001";

    private LinkEnvironment() {
    }

    /** For a failed test's report: the link's status as its service tells it, and the end of the service's log. */
    static OnFailure onFailure(Supplier<ServiceProcess> service, String linkId) {
        return new OnFailure(() -> {
            ServiceProcess running = service.get();
            if (running == null) {
                return "(no service)";
            }
            String status;
            try {
                status = RestAssured.given().baseUri(running.url()).get("/links/" + linkId).asString();
            } catch (RuntimeException e) {
                status = "(no answer: " + e.getMessage() + ")";
            }
            return "link " + linkId + ": " + status + "\nservice log:\n" + running.tail(30);
        });
    }

    /** Link {@code id} (upper-cased in the variable names) from {@code home}'s database to {@code offsite}'s. */
    static Map<String, String> of(String id, String bootstrap, PostgresServer home, String homeDb,
            PostgresServer offsite, String offsiteDb, String schemas) {
        String p = "LIFEBOAT_REPLICATION_LINKS_" + id.toUpperCase() + "_";
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_SITE", "offsite");
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put(p + "SOURCE_SITE", "home");
        env.put(p + "SOURCE_JDBC_URL", home.jdbcUrl(homeDb));
        env.put(p + "SOURCE_USER", home.user());
        env.put(p + "SOURCE_PASSWORD", home.password());
        env.put(p + "TARGET_SITE", "offsite");
        env.put(p + "TARGET_JDBC_URL", offsite.jdbcUrl(offsiteDb));
        env.put(p + "TARGET_USER", offsite.user());
        env.put(p + "TARGET_PASSWORD", offsite.password());
        env.put(p + "SCHEMAS", schemas);
        env.put("LIFEBOAT_API_VIEWER_TOKENS", VIEWER);
        env.put("LIFEBOAT_API_OPERATOR_TOKENS", OPERATOR);
        // glibc's per-thread malloc arenas are a large share of a JVM's resident memory beyond the heap.
        env.put("MALLOC_ARENA_MAX", "2");
        return env;
    }
}
