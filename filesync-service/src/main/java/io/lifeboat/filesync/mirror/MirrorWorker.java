package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.util.Optional;

import io.lifeboat.filesync.mirror.MirrorDecision.Action;
import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.ObjectStream;

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

    public MirrorOutcome mirror(BucketLink link, String key) {
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
            case REPLACE -> bytes = copier.copy(from, facts.source().get(), decision.sha256(), to, key).bytes();
            case CONFLICT_SOURCE_WINS -> {
                copier.copy(to, facts.target().get(), to, decision.keptAs());
                bytes = copier.copy(from, facts.source().get(), decision.sha256(), to, key).bytes();
            }
            case CONFLICT_SOURCE_LOSES ->
                    bytes = copier.copy(from, facts.source().get(), decision.sha256(), to, decision.keptAs()).bytes();
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
            Copied copied = copier.copyOpened(in, from, source, link.target(), key);
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
