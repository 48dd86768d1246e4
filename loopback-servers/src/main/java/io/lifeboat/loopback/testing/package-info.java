/**
 * Test wiring: {@link io.lifeboat.loopback.testing.SharedServers} (one set of servers per test class loader, started
 * on first use), Quarkus test resources over them ({@code KafkaResource}, {@code PostgresResource},
 * {@code ObjectStoreResource}, {@code DnsResource}) and a JUnit 5 parameter resolver for plain tests
 * ({@link io.lifeboat.loopback.testing.LoopbackServers}).
 *
 * <p>Quarkus loads test classes anew for every test profile, so tests with a {@code @TestProfile} get a set of servers
 * of their own; tests without one share a single set.
 */
package io.lifeboat.loopback.testing;
