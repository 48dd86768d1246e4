package io.lifeboat.events;

public enum Severity {
    INFO,
    WARNING,
    CRITICAL
}
