package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.util.Optional;

import io.lifeboat.filesync.mirror.MirrorDecision.Action;
import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.ObjectStream;
import io.lifeboat.filesync.store.s3.S3Failure;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * Mirrors one key over one link from what both stores hold now (never from what an event said): the shell around
 * {@link MirrorRules}, which decides (echo, identical, stale, copy, conflict) from what this reads of both stores, and
 * {@link ObjectCopier}, which carries out a decided copy. Plain code over two {@link SiteBucket}s, no framework: the
 * caller ({@link MirrorService}) serialises work per key, retries and reports.
 *
 * <p>A new file (nothing at the target yet, the common case) costs three requests: a HEAD at the target, one GET of
 * the source (whose answer also describes it: origin, ETag, time, and brings its content) and one PUT.
 */
public final class MirrorWorker {

    /** The default of {@code lifeboat.filesync.mirror.memory-buffer}. */
    public static final long DEFAULT_MEMORY_BUFFER = 16 * 1024 * 1024;

    /** How many looks at both stores one mirroring takes at most before it fails (and is retried later). */
    static final int LOOKS = 3;

    private final MirrorRules rules;
    private final ObjectCopier copier;

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix) {
        this(multipartThreshold, partSize, conflictPrefix, DEFAULT_MEMORY_BUFFER, Spool.off());
    }

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix, long memoryBuffer,
            Spool spool) {
        this.rules = new MirrorRules(conflictPrefix);
        this.copier = new ObjectCopier(multipartThreshold, partSize, memoryBuffer, spool);
    }

    public MirrorRules rules() {
        return rules;
    }

    /**
     * Mirrors the key, deciding again (up to {@link #LOOKS} looks in all) when the target refused a write because a
     * version was written there after the look the copy was decided on: every write at the target is conditional on
     * what that look found ({@link WriteCondition}), so no version written at the target in the meantime is
     * overwritten, nor its arrival later taken for an echo of this copy.
     */
    public MirrorOutcome mirror(BucketLink link, String key) {
        for (int look = 1; ; look++) {
            try {
                MirrorOutcome outcome = mirrorOnce(link, key);
                return look == 1 ? outcome : new MirrorOutcome(outcome.kind(), outcome.reason() + " (decided at look "
                        + look + ": " + link.targetSite() + " changed while it was copied)", outcome.size(),
                        outcome.bytes(), outcome.sha256(), outcome.originSite());
            } catch (S3Failure refused) {
                if (!refused.targetChanged() || look == LOOKS) {
                    throw refused;
                }
            }
        }
    }

    private MirrorOutcome mirrorOnce(BucketLink link, String key) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        Optional<String> excluded = from.whyNotMirrored(key).or(() -> to.whyNotMirrored(key));
        if (excluded.isPresent()) {
            return new MirrorOutcome(Kind.EXCLUDED, excluded.get(), 0, 0, null, null);
        }
        Optional<StoredObject> target = to.head(key);
        if (target.isEmpty()) {
            return mirrorToNothing(link, key);
        }
        MirrorFacts facts = MirrorFacts.of(link, from.head(key), target);
        MirrorDecision decision = rules.decide(facts);
        // At most two reads: the source's content, then the target's; each answer settles what was asked.
        for (int asked = 0; decision.action().needsChecksum(); asked++) {
            if (asked == 2) {
                throw new IllegalStateException("the mirror rules keep asking for checksums: " + decision.reason());
            }
            facts = decision.action() == Action.NEEDS_SOURCE_CHECKSUM
                    ? facts.withSourceContentSha256(ObjectCopier.hash(from, facts.source().orElseThrow()))
                    : facts.withTargetContentSha256(ObjectCopier.hash(to, target.get()));
            decision = rules.decide(facts);
        }
        return carryOut(link, key, facts, decision);
    }

    private MirrorOutcome carryOut(BucketLink link, String key, MirrorFacts facts, MirrorDecision decision) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        long bytes = 0;
        switch (decision.action()) {
            // Over the version the decision saw, and no other.
            case REPLACE -> bytes = copier.copy(from, facts.source().get(), decision.sha256(), to, key,
                    WriteCondition.unchanged(facts.target().get().etag())).bytes();
            case CONFLICT_SOURCE_WINS -> {
                copier.copy(to, facts.target().get(), to, decision.keptAs());
                bytes = copier.copy(from, facts.source().get(), decision.sha256(), to, key,
                        WriteCondition.unchanged(facts.target().get().etag())).bytes();
            }
            // The kept version's key is a name of Lifeboat's own that both links compute alike, for the same content.
            case CONFLICT_SOURCE_LOSES -> bytes = copier.copy(from, facts.source().get(), decision.sha256(), to,
                    decision.keptAs(), WriteCondition.NONE).bytes();
            case COPY -> throw new IllegalStateException("a copy to an empty target is made from the opened source");
            default -> {
                // nothing to write
            }
        }
        return outcome(decision, facts, decision.sha256(), bytes, decision.reason());
    }

    /**
     * Nothing at the target: one GET of the source tells what it is (origin, ETag, size, time) and brings its content,
     * read only if the decision is to copy it.
     */
    private MirrorOutcome mirrorToNothing(BucketLink link, String key) {
        SiteBucket from = link.source();
        Optional<ObjectStream> opened = from.get(key);
        MirrorFacts facts = MirrorFacts.of(link, opened.map(in -> from.describe(key, in.info())), Optional.empty());
        MirrorDecision decision = rules.decide(facts);
        if (opened.isEmpty()) {
            return outcome(decision, facts, decision.sha256(), 0, decision.reason());
        }
        ObjectStream in = opened.get();
        boolean readThrough = false;
        try {
            if (decision.action() != Action.COPY) {
                return outcome(decision, facts, decision.sha256(), 0, decision.reason());
            }
            StoredObject source = facts.source().get();
            Copied copied = copier.copyOpened(in, from, source, link.target(), key, WriteCondition.absent());
            readThrough = true;
            return outcome(decision, facts, copied.sha256(), copied.bytes(), decision.reason() + " ("
                    + source.size() + " bytes, SHA-256 " + abbreviated(copied.sha256()) + ")");
        } finally {
            closeOrAbort(in, readThrough);
        }
    }

    /** Returns the connection to the pool when the body was read through; drops it rather than read the rest. */
    private static void closeOrAbort(ObjectStream in, boolean readThrough) {
        try {
            if (!readThrough) {
                in.abort();
            }
            in.close();
        } catch (IOException | RuntimeException e) {
            // nothing more to get from it
        }
    }

    private static MirrorOutcome outcome(MirrorDecision decision, MirrorFacts facts, String sha256, long bytes,
            String reason) {
        return new MirrorOutcome(decision.action().outcome(), reason, facts.source().map(StoredObject::size).orElse(0L),
                bytes, sha256, facts.source().map(StoredObject::originSite).orElse(null));
    }

    private static String abbreviated(String sha256) {
        return sha256.substring(0, 12) + "…";
    }
}
