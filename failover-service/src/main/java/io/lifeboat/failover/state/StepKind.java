package io.lifeboat.failover.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

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
    RESUME("resume-replication"),
    DONE("done");

    private final String label;

    StepKind(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    /** The kind named by a label, as events and persisted states write it. */
    @JsonCreator
    public static StepKind of(String label) {
        return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown step " + label));
    }
}
