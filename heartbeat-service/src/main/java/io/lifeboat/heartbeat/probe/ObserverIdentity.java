package io.lifeboat.heartbeat.probe;

/** Who is probing: this observer's id and its vantage point. */
public record ObserverIdentity(String observerId, String location) {
}
