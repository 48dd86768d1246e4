package io.lifeboat.filesync.store.s3;

import java.time.Instant;

/** One object of a listing (ListObjectsV2). */
public record Listed(String key, long size, String eTag, Instant lastModified) {
}
