/**
 * Real servers on 127.0.0.1, started and stopped by the project itself because no Docker engine is available on the
 * build machines: {@link io.lifeboat.loopback.KafkaBroker}, {@link io.lifeboat.loopback.PostgresServer},
 * {@link io.lifeboat.loopback.ObjectStore} and {@link io.lifeboat.loopback.DnsServer}, together in
 * {@link io.lifeboat.loopback.TwoSiteWorld} for the sandbox.
 *
 * <p>Every server keeps its port and its data for the life of its object, so a test can stop (or kill) it and start it
 * again to play an outage. Servers that run as processes are ended with the JVM, also when the JVM itself is killed
 * (see {@code OrphanReaper}). Tests get shared instances through {@link io.lifeboat.loopback.testing}.
 */
package io.lifeboat.loopback;
