package io.lifeboat.heartbeat.warden;

import io.lifeboat.loopback.KafkaAcls;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ServiceProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A warden that starts on a secured platform before Kafka takes its renewals must not fence a healthy home. The
 * packaged service runs as home's warden on a SASL_SSL broker as user heartbeat-service, with the ACLs of its shipped
 * KafkaUser but for Write on the lease topic (Describe stays: Kafka answers the warden's metadata requests), as on a
 * fresh install where the user operator applies the ACL after the pod has started. For three leases' time the
 * application must still log in; once the ACL is there, the warden holds home's lease. (Before the fix, the lease
 * counted from Kafka's first metadata answer, and this fenced home 2.5 s after the start.)
 */
class WardenFirstRenewalIT {

    private static final String USER = "heartbeat-service";
    private static final String LEASES = "lifeboat.site-leases";
    private static final Duration LEASE = Duration.ofMillis(2500);

    private static WardenWorld world;

    @BeforeAll
    static void world() throws Exception {
        world = WardenWorld.start("warden-first-renewal", KafkaBroker::secured);
        List<AclBinding> withoutLeaseWrite = KafkaAcls.shipped(USER).stream()
                .filter(b -> !b.equals(leaseWrite())).toList();
        assertThat(withoutLeaseWrite).as("the shipped KafkaUser grants Write on the lease topic")
                .hasSize(KafkaAcls.shipped(USER).size() - 1);
        ServiceProcess warden = world.warden(world.kafka.addUser(USER, withoutLeaseWrite), List.of("-Xmx128m"));
        warden.start();
        warden.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (world != null) {
            world.close(null);
        }
    }

    @Test
    void aWardenWhoseRenewalsKafkaDoesNotTakeYetDoesNotFenceAHealthyHome() throws Exception {
        // Kafka refuses the renewals (no Write): for three leases' time home stays open to the application.
        await().during(LEASE.multipliedBy(3)).atMost(LEASE.multipliedBy(4)).until(() -> world.appLogsIn()
                && !String.valueOf(world.status().get("standing")).startsWith("FENC"));
        // The warden says why it is not guarding yet.
        Map<String, Object> starting = world.status();
        assertThat(starting.get("standing")).isNull();
        assertThat(String.valueOf(starting.get("reason"))).contains("has not taken the first renewal yet")
                .contains("TopicAuthorizationException");

        try (Admin admin = world.kafka.admin()) {
            admin.createAcls(List.of(leaseWrite())).all().get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "HOLDING".equals(world.status().get("standing")));
        // Held, not just reached: renewals go on and home stays open to the application.
        await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(3)).until(() -> world.appLogsIn()
                && "HOLDING".equals(world.status().get("standing")));
        assertThat(String.valueOf(world.status().get("reason"))).startsWith("lease held");
    }

    private static AclBinding leaseWrite() {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, LEASES, PatternType.LITERAL),
                new AccessControlEntry("User:" + USER, "*", AclOperation.WRITE, AclPermissionType.ALLOW));
    }
}
