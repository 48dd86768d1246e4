package io.lifeboat.replication;

import io.lifeboat.loopback.ServiceProcess;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the service's capture had written {@link ReplicationBenchmarkIT}'s burst to Kafka (its {@code producedChanges}
 * grew by the burst's rows; heartbeats make it a few early at most): tells the capture's share of the burst time from
 * the applier's.
 */
final class CaptureProgress {

    private final Thread thread;
    private final AtomicLong reachedAtMillis = new AtomicLong();

    private CaptureProgress(ServiceProcess service, long rows) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long before = produced(http, service);
        thread = new Thread(() -> {
            while (before >= 0 && !Thread.currentThread().isInterrupted() && reachedAtMillis.get() == 0) {
                if (produced(http, service) >= before + rows) {
                    reachedAtMillis.set(System.currentTimeMillis());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // sampling period
            }
        }, "capture-progress");
        thread.setDaemon(true);
        thread.start();
    }

    static CaptureProgress start(ServiceProcess service, long rows) {
        return new CaptureProgress(service, rows);
    }

    /** @return when the burst was in Kafka (epoch ms), 0 if not seen */
    long stop() {
        thread.interrupt();
        return reachedAtMillis.get();
    }

    private static long produced(java.net.http.HttpClient http, ServiceProcess service) {
        try {
            String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.url()
                    + "/links/bench")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"producedChanges\":(\\d+)").matcher(body);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
