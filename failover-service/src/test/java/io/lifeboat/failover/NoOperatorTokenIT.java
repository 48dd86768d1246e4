package io.lifeboat.failover;

import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.testing.SharedServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The safe default, as deployed: the packaged service given everything but an operator token does not start, and
 * says which key is missing; no token shows in its log.
 */
class NoOperatorTokenIT {

    @Test
    void withoutAnOperatorTokenTheServiceDoesNotStartAndNamesTheKey() throws Exception {
        Map<String, String> env = OneApiIT.environment("failover-no-token", SharedServers.dns());
        env.remove("LIFEBOAT_API_OPERATOR_TOKENS"); // a viewer token alone is not enough
        env.put("LIFEBOAT_FAILOVER_STATE_ID", "no-token"); // its own arrangement, whatever it did before it stopped
        Path logs = SharedServers.workDir().resolve("no-token-" + UUID.randomUUID());
        try (ServiceProcess service = OneApiIT.process("failover-no-token", env, logs)) {
            service.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> !service.isRunning());
            String log = Files.readString(service.log());
            assertThat(log).contains("lifeboat.api.operator-tokens (LIFEBOAT_API_OPERATOR_TOKENS): no operator token "
                    + "configured, and this service's API has actions (FailoverResource)");
            assertThat(log).doesNotContain(OneApiIT.VIEWER);
        }
    }
}
