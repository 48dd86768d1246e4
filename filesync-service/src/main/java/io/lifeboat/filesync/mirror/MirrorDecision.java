package io.lifeboat.filesync.mirror;

import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;

/**
 * What {@link MirrorRules} decided for one key over one link, with the reason in words as the outcome reports it once
 * carried out.
 *
 * @param sha256 the source content's SHA-256 where known (null where not)
 * @param keptAs for a conflict, the key at the target under which the losing version is kept (else null)
 */
public record MirrorDecision(Action action, String reason, String sha256, String keptAs) {

    public enum Action {
        /** The source no longer holds the key: nothing to copy. */
        SOURCE_GONE(Kind.SOURCE_GONE),
        /** The source's version is a copy Lifeboat made from another site: the link from there carries it. */
        ECHO(Kind.ECHO),
        /** The target already holds this content. */
        IDENTICAL(Kind.IDENTICAL),
        /** The target holds a newer version from the same origin. */
        STALE(Kind.STALE),
        /** Nothing at the target yet: copy. */
        COPY(Kind.COPIED),
        /** The target holds an older version from the same origin: copy over it. */
        REPLACE(Kind.COPIED),
        /** Both sites wrote the key; the source's version wins: keep the target's under {@code keptAs}, then copy. */
        CONFLICT_SOURCE_WINS(Kind.CONFLICT_SOURCE_WON),
        /** Both sites wrote the key; the target's version wins: copy the source's to {@code keptAs} only. */
        CONFLICT_SOURCE_LOSES(Kind.CONFLICT_SOURCE_LOST),
        /** Not decided yet: the metadata cannot tell, the source's content must be read for its SHA-256. */
        NEEDS_SOURCE_CHECKSUM(null),
        /** Not decided yet: the sizes agree, the target's content must be read for its SHA-256. */
        NEEDS_TARGET_CHECKSUM(null);

        private final Kind outcome;

        Action(Kind outcome) {
            this.outcome = outcome;
        }

        /** What the outcome is called once this is carried out (for the log, the API and the metrics). */
        public Kind outcome() {
            if (outcome == null) {
                throw new IllegalStateException(this + " is no decision yet");
            }
            return outcome;
        }

        /** Whether carrying it out writes anything at the target. */
        public boolean writes() {
            return this == COPY || this == REPLACE || this == CONFLICT_SOURCE_WINS || this == CONFLICT_SOURCE_LOSES;
        }

        public boolean needsChecksum() {
            return outcome == null;
        }
    }
}
