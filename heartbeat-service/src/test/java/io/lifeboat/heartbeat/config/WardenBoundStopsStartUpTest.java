package io.lifeboat.heartbeat.config;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real application with a site warden whose lease would outlast the time the other site needs to be promoted:
 * it must refuse to start, naming every key of the bound, and leak no password.
 */
@QuarkusMainTest
@TestProfile(WardenBoundStopsStartUpTest.LeaseTooLong.class)
class WardenBoundStopsStartUpTest {

    public static class LeaseTooLong implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lifeboat.warden.enabled", "true",
                    "lifeboat.warden.lease-timeout", "5s",
                    "lifeboat.warden.application-roles", "app",
                    "lifeboat.warden.databases.portal.url", "jdbc:postgresql://127.0.0.1:9/portal",
                    "lifeboat.warden.databases.portal.user", "lifeboat_fence",
                    "lifeboat.warden.databases.portal.password", "f3nce-s3cr3t",
                    "kafka.bootstrap.servers", "127.0.0.1:9");
        }
    }

    @Test
    void aLeaseNotShorterThanThePromotionGraceStopsStartUpNamingTheKeys(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();

        String output = result.getOutput() + "\n" + result.getErrorOutput();
        assertThat(result.exitCode()).isNotZero();
        // 5 s + 1.5 s + 0.1 s against the longer of (3 - 1) x 2 s and 5 s
        assertThat(output).contains("lifeboat.warden.lease-timeout (PT5S)", "lifeboat.warden.fence-allowance (PT1.5S)",
                "lifeboat.heartbeat.verdict.down-after (3)", "lifeboat.heartbeat.interval (PT2S)",
                "lifeboat.warden.failover-grace (PT5S), PT5S");
        assertThat(output).doesNotContain("f3nce-s3cr3t");
    }
}
