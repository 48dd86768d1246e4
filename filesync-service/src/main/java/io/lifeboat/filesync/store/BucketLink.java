package io.lifeboat.filesync.store;

/** One direction of mirroring: from a source site's bucket to a target site's. */
public record BucketLink(String linkId, SiteBucket source, SiteBucket target) {

    public static String idOf(String sourceSite, String targetSite) {
        return sourceSite + "-to-" + targetSite + "-files";
    }

    public String sourceSite() {
        return source.siteId();
    }

    public String targetSite() {
        return target.siteId();
    }
}
