package io.lifeboat.filesync.lag;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.WorkProgress;
import io.lifeboat.filesync.store.BucketLink;

/**
 * What one link has on its plate: arrivals not yet mirrored (the lag), the ones that gave up (waiting for
 * reconciliation), and its latest decisions with their reasons. Thread-safe.
 */
public final class LinkActivity {

    private static final int RECENT = 50;

    private final BucketLink link;
    private final Map<String, PendingFile> pending = new ConcurrentHashMap<>();
    private final Deque<Decision> recent = new ArrayDeque<>();
    private volatile Instant lastMirroredAt;
    private volatile String lastMirroredKey;
    private volatile Instant lastReconciledAt;
    private volatile LinkState state = LinkState.STREAMING;
    private volatile Function<Instant, WorkProgress> work;

    public LinkActivity(BucketLink link) {
        this.link = link;
    }

    /** An arrival (or a found difference) is waiting for this link; the earliest arrival time of a key counts. */
    public void arrived(String key, long size, Instant arrivedAt) {
        pending.merge(key, new PendingFile(key, size, arrivedAt, null),
                (old, now) -> new PendingFile(key, now.size(), old.arrivedAt(), old.failure()));
    }

    /** Settled one way or another: mirrored, found identical, skipped with a reason. */
    public void settled(String key, Decision decision) {
        pending.remove(key);
        remember(decision);
    }

    public void mirrored(String key, Decision decision) {
        lastMirroredAt = decision.at();
        lastMirroredKey = key;
        settled(key, decision);
    }

    /** Gave up for now: stays pending (it is not at the target) until reconciliation or a new arrival settles it. */
    public void failed(String key, long size, Instant arrivedAt, Decision decision) {
        pending.merge(key, new PendingFile(key, size, arrivedAt, decision.reason()),
                (old, now) -> new PendingFile(key, old.size(), old.arrivedAt(), decision.reason()));
        remember(decision);
    }

    private void remember(Decision decision) {
        synchronized (recent) {
            recent.addFirst(decision);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
    }

    public BucketLink link() {
        return link;
    }

    public long pendingFiles() {
        return pending.size();
    }

    public long pendingBytes() {
        return pending.values().stream().mapToLong(PendingFile::size).sum();
    }

    public long failedFiles() {
        return pending.values().stream().filter(p -> p.failure() != null).count();
    }

    public List<PendingFile> failures() {
        return pending.values().stream().filter(p -> p.failure() != null).toList();
    }

    /** Age of the oldest arrival not yet mirrored; 0 when caught up. */
    public long lagMs(Instant now) {
        return pending.values().stream().map(PendingFile::arrivedAt).min(Instant::compareTo)
                .map(oldest -> Math.max(0, now.toEpochMilli() - oldest.toEpochMilli())).orElse(0L);
    }

    public List<Decision> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    public Instant lastMirroredAt() {
        return lastMirroredAt;
    }

    public String lastMirroredKey() {
        return lastMirroredKey;
    }

    public Instant lastReconciledAt() {
        return lastReconciledAt;
    }

    /** Long work on the link has started (a reconcile): its figures at any instant, for the lag feed. */
    public void working(Function<Instant, WorkProgress> figures) {
        this.work = figures;
    }

    /** That work has ended. */
    public void workDone() {
        this.work = null;
    }

    /** The work under way now, or null. */
    public WorkProgress work(Instant now) {
        Function<Instant, WorkProgress> figures = work;
        return figures == null ? null : figures.apply(now);
    }

    public void reconciled(Instant at) {
        lastReconciledAt = at;
    }

    public LinkState state() {
        return state;
    }

    /** @return the previous state */
    public LinkState state(LinkState next) {
        LinkState previous = state;
        state = next;
        return previous;
    }

    public record PendingFile(String key, long size, Instant arrivedAt, String failure) {
    }

    /** One decision about one key, with the reason in words. */
    public record Decision(Instant at, String key, String outcome, String reason) {
    }
}
