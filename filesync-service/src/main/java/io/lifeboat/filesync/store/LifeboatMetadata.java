package io.lifeboat.filesync.store;

/**
 * The user metadata Lifeboat puts on every copy it writes (S3 sends it as {@code x-amz-meta-<name>}). A native upload
 * carries none of it: its origin is the site that holds it, its origin time its last-modified time.
 */
public final class LifeboatMetadata {

    /** The site where the content was first written: a copy whose origin is another site is never mirrored back. */
    public static final String ORIGIN_SITE = "lifeboat-origin-site";
    /** When the content was first written at its origin (ISO-8601): the newer write wins a conflict. */
    public static final String ORIGIN_TIME = "lifeboat-origin-time";
    /** The ETag of the object this copy was made from, at the site it was read from. */
    public static final String SOURCE_ETAG = "lifeboat-source-etag";
    /** Hex SHA-256 of the content, verified when the copy was written. */
    public static final String SHA256 = "lifeboat-sha256";

    private LifeboatMetadata() {
    }
}
