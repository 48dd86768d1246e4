package io.lifeboat.filesync.mirror;

/** What a copy wrote: the content's SHA-256 and the bytes sent. */
record Copied(String sha256, long bytes) {
}
