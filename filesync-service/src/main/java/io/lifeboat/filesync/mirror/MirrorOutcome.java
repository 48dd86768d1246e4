package io.lifeboat.filesync.mirror;

/**
 * What mirroring one key over one link came to, with the reason in words (for the log, {@code GET /links} and the
 * events).
 *
 * @param bytes    bytes written to the target (0 when skipped)
 * @param size     size of the source version
 * @param sha256   SHA-256 of the source version, where known
 */
public record MirrorOutcome(Kind kind, String reason, long size, long bytes, String sha256, String originSite) {

    public enum Kind {
        /** The target now holds a verified copy. */
        COPIED(true),
        /** The target already held this content. */
        IDENTICAL(true),
        /** A copy from another site: the link from that site carries it; mirroring it would echo. */
        ECHO(false),
        /** The source no longer holds the key (removed since it arrived). */
        SOURCE_GONE(false),
        /** The target holds a newer version from the same origin. */
        STALE(false),
        /** Both sites wrote the key independently; the source's version won and is now at the target too. */
        CONFLICT_SOURCE_WON(true),
        /** Both sites wrote the key independently; the source's version lost and is kept under the conflict prefix. */
        CONFLICT_SOURCE_LOST(false),
        /** The key is not mirrored by configuration (include/exclude prefixes). */
        EXCLUDED(false);

        private final boolean targetHoldsSource;

        Kind(boolean targetHoldsSource) {
            this.targetHoldsSource = targetHoldsSource;
        }

        /** Whether the target's key now holds the source's content (a file.mirrored event is due). */
        public boolean targetHoldsSource() {
            return targetHoldsSource;
        }

        public boolean isConflict() {
            return this == CONFLICT_SOURCE_WON || this == CONFLICT_SOURCE_LOST;
        }
    }
}
