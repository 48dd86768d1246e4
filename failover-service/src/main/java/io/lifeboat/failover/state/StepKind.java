package io.lifeboat.failover.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;

/**
 * What a runbook step does; {@link #label()} is the step's name in events, the state (JSON) and the API.
 * In the state package so that a persisted step is typed without the state depending on the rules.
 */
public enum StepKind {
    RECORD("record-decision"),
    FENCE_LOST("fence-old-active"),
    REVERSE("reverse-replication"),
    CATCH_UP("catch-up"),
    FENCE_ACTIVE("fence-active"),
    DRAIN("drain"),
    PROMOTE("promote"),
    SWITCH_DNS("switch-dns"),
    VERIFY_DNS("verify-dns"),
    /** After a failback: REVERSE again, so that home's writes replicate to the standby and home is protected. */
    REPROTECT("reprotect", "resume-replication"),
    DONE("done");

    private final String label;
    /** Labels the step had before, still read from states on the compacted topic. */
    private final List<String> earlier;

    StepKind(String label, String... earlier) {
        this.label = label;
        this.earlier = List.of(earlier);
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The kind named by a label, as events and persisted states write it (an earlier label too). */
    @JsonCreator
    public static StepKind of(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label) || k.earlier.contains(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown step " + label));
    }
}
