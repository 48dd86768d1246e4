package io.lifeboat.filesync.store;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * What a HEAD tells about one object at one site, with Lifeboat's view of it: where its content was first written
 * and when, and its checksum where known.
 */
public record StoredObject(String siteId, String key, long size, String etag, Instant lastModified,
        String contentType, Map<String, String> metadata) {

    public StoredObject {
        etag = etag == null ? "" : etag.replace("\"", "");
        metadata = Map.copyOf(metadata);
    }

    /** The site where this content was first written: the holder itself for a native upload. */
    public String originSite() {
        return metadata.getOrDefault(LifeboatMetadata.ORIGIN_SITE, siteId);
    }

    /** When this content was first written at its origin. */
    public Instant originTime() {
        String recorded = metadata.get(LifeboatMetadata.ORIGIN_TIME);
        if (recorded != null) {
            try {
                return Instant.parse(recorded);
            } catch (DateTimeParseException e) {
                // A hand-edited value: the store's own time is the next best thing.
            }
        }
        return lastModified;
    }

    public boolean isCopyFromElsewhere() {
        return !originSite().equals(siteId);
    }

    public Optional<String> sha256() {
        return Optional.ofNullable(metadata.get(LifeboatMetadata.SHA256)).filter(s -> s.length() == 64);
    }

    public Optional<String> sourceEtag() {
        return Optional.ofNullable(metadata.get(LifeboatMetadata.SOURCE_ETAG));
    }
}
