package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;

import io.lifeboat.filesync.mirror.MirrorOutcome.Kind;
import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.ObjectStream;

/**
 * Mirrors one key over one link, deciding from what both stores hold now (never from what an event said): skip as
 * echo, skip as identical, copy, or settle a conflict. Plain code over two {@link SiteBucket}s, no framework: the
 * caller ({@link MirrorService}) serialises work per key, retries and reports.
 *
 * <p>A new file (nothing at the target yet, the common case) costs three requests: a HEAD at the target, one GET of
 * the source (whose answer also describes it: origin, ETag, time) and one PUT. The SHA-256 is stored as metadata on
 * the copy, and the metadata of an S3 object is fixed when its upload starts, so the content must be hashed before the
 * upload: a file up to a quarter of the memory buffer ({@code mirror.memory-buffer}) is read once into memory while
 * hashed (the buffer bounds the total, and a file that finds no room takes the streaming way) and sent; up to 2 MiB
 * with its Content-MD5 (the store refuses a body that does not match) and verified by the ETag the store answers (the
 * MD5 of what it stored), above by a HEAD (size and checksum metadata). Larger files stream: the source is read in
 * 64 KiB pieces straight into the upload, one part at a time above the multipart threshold, so memory does not grow
 * with the file. One that carries its checksum already is uploaded under its key while the hash is checked; a native
 * one (no checksum yet) is read once into the local {@link Spool} while hashed and uploaded from there; one that
 * finds no room in the spool is uploaded under a scratch key of the target while hashed, then copied by the store
 * under its final key with the checksum in its metadata (CopyObject), verified by a HEAD, and the scratch key removed
 * (above 5 GiB, what one CopyObject takes, it is read twice: once to hash, once to copy). A copy that does not
 * match is never completed, so the final key only ever holds verified content (a single PUT and a CopyObject are
 * atomic; a multipart upload becomes visible only when completed).
 */
public final class MirrorWorker {

    private static final DateTimeFormatter CONFLICT_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The default of {@code lifeboat.filesync.mirror.memory-buffer}. */
    public static final long DEFAULT_MEMORY_BUFFER = 16 * 1024 * 1024;

    private final String conflictPrefix;
    private final ObjectCopier copier;

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix) {
        this(multipartThreshold, partSize, conflictPrefix, DEFAULT_MEMORY_BUFFER, Spool.off());
    }

    public MirrorWorker(long multipartThreshold, long partSize, String conflictPrefix, long memoryBuffer,
            Spool spool) {
        this.conflictPrefix = conflictPrefix;
        this.copier = new ObjectCopier(multipartThreshold, partSize, memoryBuffer, spool);
    }

    public MirrorOutcome mirror(BucketLink link, String key) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        Optional<String> excluded = from.whyNotMirrored(key).or(() -> to.whyNotMirrored(key));
        if (excluded.isPresent()) {
            return new MirrorOutcome(Kind.EXCLUDED, excluded.get(), 0, 0, null, null);
        }
        Optional<StoredObject> existing = to.head(key);
        if (existing.isEmpty()) {
            return copyNew(from, to, key);
        }
        Optional<StoredObject> found = from.head(key);
        if (found.isEmpty()) {
            return new MirrorOutcome(Kind.SOURCE_GONE, "no longer at " + from.siteId()
                    + " (removed since it arrived); nothing to copy", 0, 0, null, null);
        }
        StoredObject source = found.get();
        if (!source.originSite().equals(from.siteId())) {
            return outcome(Kind.ECHO, source, null, 0, "a copy of " + source.originSite() + "'s file (origin "
                    + source.originSite() + "): the link from " + source.originSite() + " carries it, copying it on "
                    + "would echo");
        }
        StoredObject target = existing.get();
        if (sameByMetadata(source, target)) {
            return outcome(Kind.IDENTICAL, source, source.sha256().or(target::sha256).orElse(null), 0,
                    to.siteId() + " already holds this version (same size and "
                            + (source.sha256().isPresent() && target.sha256().isPresent() ? "SHA-256" : "source ETag")
                            + "); not copied again");
        }
        String sourceSha = source.sha256().orElseGet(() -> ObjectCopier.hash(from, source));
        if (source.size() == target.size() && sourceSha.equals(target.sha256().orElseGet(
                () -> ObjectCopier.hash(to, target)))) {
            return outcome(Kind.IDENTICAL, source, sourceSha, 0, to.siteId()
                    + " already holds the same content (same size and SHA-256); not copied again");
        }
        if (target.originSite().equals(source.originSite())) {
            if (target.originTime().isAfter(source.originTime())) {
                return outcome(Kind.STALE, source, sourceSha, 0, to.siteId() + " holds a newer version from "
                        + source.originSite() + " (written " + target.originTime() + ", this one "
                        + source.originTime() + "); an older version never replaces a newer one");
            }
            ObjectCopier.Copied copied = copier.copy(from, source, sourceSha, to, key);
            return outcome(Kind.COPIED, source, sourceSha, copied.bytes(), "replaced " + to.siteId()
                    + "'s older copy (from " + target.originTime() + ") with the version of " + source.originTime()
                    + ", verified");
        }
        return settleConflict(link, key, source, sourceSha, target);
    }

    /**
     * Nothing at the target: one GET of the source tells what it is (origin, ETag, size, time) and brings its content.
     * The decisions are the same as with a HEAD first: an echo is left alone, anything else is copied.
     */
    private MirrorOutcome copyNew(SiteBucket from, SiteBucket to, String key) {
        Optional<ObjectStream> opened = from.get(key);
        if (opened.isEmpty()) {
            return new MirrorOutcome(Kind.SOURCE_GONE, "no longer at " + from.siteId()
                    + " (removed since it arrived); nothing to copy", 0, 0, null, null);
        }
        ObjectStream in = opened.get();
        boolean readThrough = false;
        try {
            StoredObject source = from.describe(key, in.info());
            if (!source.originSite().equals(from.siteId())) {
                return outcome(Kind.ECHO, source, null, 0, "a copy of " + source.originSite() + "'s file (origin "
                        + source.originSite() + "): the link from " + source.originSite() + " carries it, copying "
                        + "it on would echo");
            }
            ObjectCopier.Copied copied = copier.copyOpened(in, from, source, to, key);
            readThrough = true;
            return outcome(Kind.COPIED, source, copied.sha256(), copied.bytes(), "copied to " + to.siteId()
                    + " and verified (" + source.size() + " bytes, SHA-256 " + abbreviated(copied.sha256()) + ")");
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

    /**
     * Both sites wrote the key independently before either copy landed. One rule, the same from both sides, so the
     * two links agree without talking: the newer write (origin time) wins; on a tie the smaller site id. The loser is
     * kept at both sites under {@code <conflict prefix><origin site>/<origin time>/<key>}, a name both links compute
     * alike, so that no version is ever lost.
     */
    private MirrorOutcome settleConflict(BucketLink link, String key, StoredObject source, String sourceSha,
            StoredObject target) {
        SiteBucket from = link.source();
        SiteBucket to = link.target();
        Comparator<StoredObject> newerWins = Comparator.comparing(StoredObject::originTime)
                .thenComparing(StoredObject::originSite, Comparator.reverseOrder());
        boolean sourceWins = newerWins.compare(source, target) > 0;
        String rule = "both sites wrote '" + key + "' independently (" + source.originSite() + " at "
                + source.originTime() + ", " + target.originSite() + " at " + target.originTime()
                + "); the newer write wins";
        if (sourceWins) {
            String kept = conflictKey(target);
            copier.copy(to, target, to, kept);
            ObjectCopier.Copied copied = copier.copy(from, source, sourceSha, to, key);
            return outcome(Kind.CONFLICT_SOURCE_WON, source, sourceSha, copied.bytes(), rule + ": "
                    + source.originSite() + "'s version is now at " + to.siteId() + ", " + target.originSite()
                    + "'s is kept as '" + kept + "'");
        }
        String kept = conflictKey(source);
        ObjectCopier.Copied copied = copier.copy(from, source, sourceSha, to, kept);
        return outcome(Kind.CONFLICT_SOURCE_LOST, source, sourceSha, copied.bytes(), rule + ": "
                + target.originSite() + "'s version stays, " + source.originSite() + "'s is kept at "
                + to.siteId() + " as '" + kept + "'");
    }

    public String conflictKey(StoredObject loser) {
        return conflictPrefix + loser.originSite() + "/" + CONFLICT_TIME.format(loser.originTime()) + "/"
                + loser.key();
    }

    /** Whether Lifeboat's own metadata proves the target holds the source's content, without reading either. */
    private static boolean sameByMetadata(StoredObject source, StoredObject target) {
        if (source.size() != target.size()) {
            return false;
        }
        if (source.sha256().isPresent() && target.sha256().isPresent()) {
            return source.sha256().get().equals(target.sha256().get());
        }
        return target.originSite().equals(source.originSite())
                && target.sourceEtag().filter(source.etag()::equals).isPresent();
    }

    private static MirrorOutcome outcome(Kind kind, StoredObject source, String sha256, long bytes, String reason) {
        return new MirrorOutcome(kind, reason, source.size(), bytes, sha256, source.originSite());
    }

    private static String abbreviated(String sha256) {
        return sha256.substring(0, 12) + "…";
    }
}
