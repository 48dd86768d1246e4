package io.lifeboat.cli.args;

/** {@code -o text} (for people, the default) or {@code -o json} (the service's JSON, one document per line). */
public enum Output {
    TEXT, JSON
}
