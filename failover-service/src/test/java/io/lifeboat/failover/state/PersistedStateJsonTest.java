package io.lifeboat.failover.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.events.json.EventJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DR state the compacted topic holds from before steps were typed (a failback at its last REVERSE, written by
 * that code) still reads, its step 9 by the label it had then ("resume-replication"), and is written back in the
 * same JSON shape: steps by their label under "name".
 */
class PersistedStateJsonTest {

    private static final ObjectMapper MAPPER = EventJson.mapper();

    private static DrState written() throws IOException {
        try (InputStream in = PersistedStateJsonTest.class.getResourceAsStream(
                "/state/failback-written-before-typed-steps.json")) {
            return MAPPER.readValue(in, DrState.class);
        }
    }

    @Test
    void aStateWrittenBeforeTypedStepsReadsWithItsStepKinds() throws IOException {
        Run run = written().run();

        assertThat(run.steps()).extracting(StepProgress::kind).containsExactly(StepKind.RECORD, StepKind.REVERSE,
                StepKind.CATCH_UP, StepKind.FENCE_ACTIVE, StepKind.DRAIN, StepKind.PROMOTE, StepKind.SWITCH_DNS,
                StepKind.VERIFY_DNS, StepKind.REPROTECT, StepKind.DONE);
        assertThat(run.current().kind()).isEqualTo(StepKind.REPROTECT);
        assertThat(StepKind.of("resume-replication")).isEqualTo(StepKind.REPROTECT);
        assertThat(run.current().status()).isEqualTo(StepState.RUNNING);
        assertThat(written().lastRun().outcome()).isEqualTo(RunOutcome.COMPLETED);
    }

    @Test
    void stepsAreWrittenByTheirLabelUnderNameAndReadBackEqual() throws IOException {
        DrState s = written();
        JsonNode json = MAPPER.valueToTree(s);

        JsonNode step = json.path("run").path("steps").get(8);
        assertThat(step.path("name").asText()).isEqualTo("reprotect");
        assertThat(step.has("kind")).isFalse();
        assertThat(MAPPER.treeToValue(json, DrState.class)).isEqualTo(s);
    }
}
