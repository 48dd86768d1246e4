package io.lifeboat.filesync;

import static io.lifeboat.filesync.BenchmarkReport.timed;
import static io.lifeboat.filesync.testing.Stores.BUCKET;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.lifeboat.filesync.testing.GeneratedContent;
import io.lifeboat.loopback.ObjectStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link FilesyncBenchmarkIT}'s doings with the stores: its data sets, and the copies filesync is measured against. */
final class BenchmarkStores {

    private BenchmarkStores() {
    }

    /** Puts one generated file per size at home under {@code prefix}, eight at a time. */
    static void upload(S3Client homeS3, String prefix, List<Long> sizes) throws Exception {
        ExecutorService uploaders = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                String key = prefix + "f" + i + ".bin";
                long size = sizes.get(i);
                long seed = i;
                uploads.add(uploaders.submit(() -> GeneratedContent.put(homeS3, key, size, seed)));
            }
            for (Future<?> f : uploads) {
                f.get();
            }
        } finally {
            uploaders.shutdown();
        }
    }

    /** {@code rclone copy} of {@code from} at home to {@code to} at offsite: how long it took, in ms. */
    static long rclone(Path workDir, ObjectStore home, ObjectStore offsite, String from, String to) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("rclone", "copy", "--s3-no-check-bucket",
                "home:" + BUCKET + "/" + from, "offsite:" + BUCKET + "/" + to).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("rclone.log").toFile());
        Map<String, String> env = builder.environment();
        env.remove("AWS_CA_BUNDLE"); // rclone fails against a plain-HTTP S3Proxy with it set
        for (ObjectStore store : List.of(home, offsite)) {
            String remote = "RCLONE_CONFIG_" + store.name().toUpperCase() + "_";
            env.put(remote + "TYPE", "s3");
            env.put(remote + "PROVIDER", "Other");
            env.put(remote + "ENDPOINT", store.endpoint().toString());
            env.put(remote + "ACCESS_KEY_ID", store.accessKey());
            env.put(remote + "SECRET_ACCESS_KEY", store.secretKey());
            env.put(remote + "REGION", store.region());
            env.put(remote + "FORCE_PATH_STYLE", "true");
        }
        long begin = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("rclone failed: " + Files.readString(workDir.resolve("rclone.log")));
        }
        return (System.nanoTime() - begin) / 1_000_000;
    }

    /** The median of 20 plain GET-then-PUT copies of {@code key} from home to offsite (under loop/), after 5 unmeasured. */
    static long plainGetThenPutMs(S3Client homeS3, S3Client offsiteS3, String key) {
        for (int i = 0; i < 5; i++) { // warm-up
            copyOnce(homeS3, offsiteS3, key);
        }
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            times.add(timed(() -> copyOnce(homeS3, offsiteS3, key)));
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }

    private static void copyOnce(S3Client homeS3, S3Client offsiteS3, String key) {
        byte[] body = homeS3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
        offsiteS3.putObject(b -> b.bucket(BUCKET).key("loop/" + key), RequestBody.fromBytes(body));
    }

    static long count(S3Client s3, String prefix) {
        try {
            return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().count();
        } catch (RuntimeException e) {
            return -1; // S3Proxy's filesystem backend can fail a listing while files are being written: ask again
        }
    }
}
