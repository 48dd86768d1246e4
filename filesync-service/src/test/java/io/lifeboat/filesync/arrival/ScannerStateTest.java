package io.lifeboat.filesync.arrival;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.testing.LoopbackServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scanner's memory survives a restart: what it announced and where its pass stood. */
@ExtendWith(LoopbackServers.class)
class ScannerStateTest {

    @Test
    void aNewInstanceResumesWhereTheLastCheckpointLeftIt(KafkaBroker kafka) {
        String topic = "scanner-state-" + UUID.randomUUID();
        try (ScannerState before = new ScannerState(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()), topic)) {
            before.load();
            before.remember("offsite/exports", "a.csv", "e1:10");
            before.remember("offsite/exports", "b/c d.csv", "e2:20");
            before.remember("offsite/exports", "gone.csv", "e3:30");
            before.remember("offsite/exports", "gone.csv", null);
            before.checkpoint("offsite/exports", new ScannerState.Cursor(4, "b/c d.csv"));
        }
        try (ScannerState after = new ScannerState(java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()), topic)) {
            after.load();
            assertThat(after.fingerprints("offsite/exports")).containsOnly(
                    org.assertj.core.api.Assertions.entry("a.csv", "e1:10"),
                    org.assertj.core.api.Assertions.entry("b/c d.csv", "e2:20"));
            assertThat(after.cursor("offsite/exports")).isEqualTo(new ScannerState.Cursor(4, "b/c d.csv"));
            assertThat(after.cursor("home/exports")).isEqualTo(new ScannerState.Cursor(1, ""));
        }
    }
}
