package io.lifeboat.heartbeat.config;

/** How a target is probed; the name is what heartbeat events carry as {@code targetKind}. */
public enum TargetKind {
    HTTP,
    TCP,
    POSTGRES,
    DNS
}
