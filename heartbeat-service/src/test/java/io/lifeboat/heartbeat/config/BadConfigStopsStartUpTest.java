package io.lifeboat.heartbeat.config;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The real application, started with a bad target: it must refuse to start, name the key, and leak no secret. */
@QuarkusMainTest
@TestProfile(BadConfigStopsStartUpTest.BadTarget.class)
class BadConfigStopsStartUpTest {

    public static class BadTarget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lifeboat.heartbeat.sites.home.targets.web.url", "htp://127.0.0.11:8080/health",
                    "lifeboat.heartbeat.sites.home.targets.db.url", "jdbc:postgresql://127.0.0.11:5432/app",
                    "lifeboat.heartbeat.sites.home.targets.db.user", "monitor",
                    "lifeboat.heartbeat.sites.home.targets.db.password", "pg-s3cr3t",
                    "lifeboat.heartbeat.alerts.receivers.ops.kind", "slack",
                    "lifeboat.heartbeat.alerts.receivers.ops.url", "http://127.0.0.1:9/services/T0/B0/slack-t0ken",
                    "kafka.bootstrap.servers", "127.0.0.1:9");
        }
    }

    @Test
    void aBadTargetStopsStartUpNamingItsKey(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch();

        String output = result.getOutput() + "\n" + result.getErrorOutput();
        assertThat(result.exitCode()).isNotZero();
        assertThat(output).contains("lifeboat.heartbeat.sites.home.targets.web.url: 'htp://127.0.0.11:8080/health' is not"
                + " a target this observer can probe");
        assertThat(output).doesNotContain("pg-s3cr3t").doesNotContain("slack-t0ken");
    }
}
