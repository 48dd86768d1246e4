package io.lifeboat.events;

/** What a replication link carries. */
public enum LinkKind {
    DATABASE,
    FILES
}
