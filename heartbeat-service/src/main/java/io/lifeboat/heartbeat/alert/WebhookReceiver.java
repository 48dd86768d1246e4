package io.lifeboat.heartbeat.alert;

import io.lifeboat.events.retry.Backoff;
import io.lifeboat.heartbeat.config.HeartbeatConfig.ReceiverKind;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Delivers notices to one receiver, in order, on a thread of its own: a receiver that is down or slow delays its
 * own notices and nothing else. Each notice is retried with exponential backoff until it is taken or too old.
 * The URL and headers may hold secrets (a Slack webhook's path is its token): logs name the receiver and host only.
 */
public final class WebhookReceiver implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookReceiver.class);
    private static final int CAPACITY = 1000;

    /** How a receiver retries; see {@code lifeboat.heartbeat.alerts.*}. */
    public record Retry(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter, Duration requestTimeout,
            Duration resendEvery) {
    }

    private record Pending(AlertNotice notice, Instant queuedAt) {
    }

    private final String name;
    private final ReceiverKind kind;
    private final URI url;
    private final Map<String, String> headers;
    private final Retry retry;
    private final Supplier<List<AlertNotice>> firing;
    private final HttpClient http;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread worker;
    private volatile boolean running = true;
    private volatile long delivered;
    private volatile long failedAttempts;
    private final AtomicInteger unsettled = new AtomicInteger();

    /**
     * @param firing the alerts firing now, for receivers that forget what is not sent again (Alertmanager)
     */
    public WebhookReceiver(String name, ReceiverKind kind, String url, Map<String, String> headers, Retry retry,
            Supplier<List<AlertNotice>> firing) {
        this.name = name;
        this.kind = kind;
        this.url = URI.create(url.endsWith("/") && kind == ReceiverKind.ALERTMANAGER ? url.substring(0, url.length() - 1) : url);
        this.headers = Map.copyOf(headers);
        this.retry = retry;
        this.firing = firing;
        this.http = HttpClient.newBuilder().connectTimeout(retry.requestTimeout()).build();
        this.worker = new Thread(this::deliverAll, "alert-receiver-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public String name() {
        return name;
    }

    /** Where notices go, without path or credentials: safe to log. */
    public String where() {
        return kind.name().toLowerCase() + " receiver '" + name + "' at " + url.getScheme() + "://" + url.getHost()
                + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    public void send(AlertNotice notice) {
        unsettled.incrementAndGet();
        if (!queue.offer(new Pending(notice, Instant.now()))) {
            unsettled.decrementAndGet();
            LOG.errorf("%s: %d notices waiting, dropped %s", where(), CAPACITY, notice.alertId());
        }
    }

    /** Every notice sent so far is delivered, refused or given up on: none is waiting or being tried. */
    public boolean settled() {
        return unsettled.get() == 0;
    }

    public long delivered() {
        return delivered;
    }

    public long failedAttempts() {
        return failedAttempts;
    }

    private void deliverAll() {
        Instant lastSent = Instant.now();
        while (running) {
            Pending next;
            try {
                next = queue.poll(Math.min(1000, retry.resendEvery().toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                if (kind == ReceiverKind.ALERTMANAGER
                        && Duration.between(lastSent, Instant.now()).compareTo(retry.resendEvery()) >= 0) {
                    List<AlertNotice> active = firing.get();
                    if (!active.isEmpty()) {
                        deliver(active, Instant.now());
                    }
                    lastSent = Instant.now();
                }
                continue;
            }
            try {
                deliver(List.of(next.notice()), next.queuedAt());
            } finally {
                unsettled.decrementAndGet();
            }
            lastSent = Instant.now();
        }
    }

    private void deliver(List<AlertNotice> notices, Instant queuedAt) {
        WebhookFormat.Request request = WebhookFormat.render(kind, notices);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + request.pathSuffix()))
                .timeout(retry.requestTimeout())
                .header("Content-Type", request.contentType())
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        headers.forEach(builder::header);
        HttpRequest http = builder.build();
        Backoff backoff = new Backoff(retry.initialBackoff(), retry.maxBackoff());
        int attempt = 1;
        while (running) {
            String problem;
            try {
                HttpResponse<Void> response = this.http.send(http, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    delivered++;
                    if (attempt > 1) {
                        LOG.infof("%s took %s after %d attempts", where(), notices.get(0).alertId(), attempt);
                    }
                    return;
                }
                problem = "HTTP " + response.statusCode();
                if (response.statusCode() / 100 == 4 && response.statusCode() != 429 && response.statusCode() != 408) {
                    // A 4xx other than "too many" or "timeout" will not get better by trying again.
                    LOG.errorf("%s refused %s with %s: dropped (check its configuration)", where(),
                            notices.get(0).alertId(), problem);
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            failedAttempts++;
            if (Duration.between(queuedAt, Instant.now()).compareTo(retry.giveUpAfter()) > 0) {
                LOG.errorf("%s: giving up on %s after %d attempts (%s)", where(), notices.get(0).alertId(), attempt, problem);
                return;
            }
            LOG.warnf("%s: attempt %d for %s failed (%s); retrying in %d ms", where(), attempt,
                    notices.get(0).alertId(), problem, backoff.current().toMillis());
            if (!backoff.pause()) {
                return;
            }
            attempt++;
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
