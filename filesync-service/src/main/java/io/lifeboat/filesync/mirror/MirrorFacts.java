package io.lifeboat.filesync.mirror;

import java.util.Optional;

import io.lifeboat.filesync.store.BucketLink;
import io.lifeboat.filesync.store.StoredObject;

/**
 * What is known when mirroring one key over one link: both versions as the stores describe them now (empty: none
 * there), and the checksums read from their content so far. Lifeboat's copies carry theirs in their metadata; a
 * native upload's is known only once its content has been read, which {@link MirrorRules} asks for only when the
 * metadata cannot tell.
 */
public record MirrorFacts(String sourceSite, String targetSite, Optional<StoredObject> source,
        Optional<StoredObject> target, Optional<String> sourceContentSha256, Optional<String> targetContentSha256) {

    public static MirrorFacts of(BucketLink link, Optional<StoredObject> source, Optional<StoredObject> target) {
        return new MirrorFacts(link.sourceSite(), link.targetSite(), source, target, Optional.empty(),
                Optional.empty());
    }

    public MirrorFacts withSourceContentSha256(String sha256) {
        return new MirrorFacts(sourceSite, targetSite, source, target, Optional.of(sha256), targetContentSha256);
    }

    public MirrorFacts withTargetContentSha256(String sha256) {
        return new MirrorFacts(sourceSite, targetSite, source, target, sourceContentSha256, Optional.of(sha256));
    }

    /** The source's SHA-256: from its metadata, else from its content if it has been read. */
    public Optional<String> sourceSha256() {
        return source.flatMap(StoredObject::sha256).or(() -> sourceContentSha256);
    }

    public Optional<String> targetSha256() {
        return target.flatMap(StoredObject::sha256).or(() -> targetContentSha256);
    }
}
