package io.lifeboat.replication.apply;

/**
 * What a drain found at the change topic's end: the applier's status, and a transaction whose END never came
 * (records {@code partialFrom} to {@code partialTo - 1}: rolled back, never applied), or none ({@code -1}).
 */
public record Drained(ApplierStatus status, long partialFrom, long partialTo) {
    public boolean partial() {
        return partialFrom >= 0;
    }
}
