package io.lifeboat.loopback;

/** One site's own servers: its database and its object store. */
public record Site(String id, PostgresServer postgres, ObjectStore objectStore) {
}
