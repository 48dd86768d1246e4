package io.lifeboat.loopback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * Starts servers at once, each on a thread of its own: a broker's JVM dominates start-up, and PostgreSQL's initdb,
 * an object store or a DNS server fit in its shadow. A thread per server rather than the common pool, which may
 * have a single worker on a 2-core machine.
 */
public final class StartTogether {

    private StartTogether() {
    }

    /** Runs every start, waits for all, and throws the first failure (the others are left to the caller's close). */
    public static void run(Map<String, Runnable> starts) {
        run(starts, (what, nanos) -> {
        });
    }

    /** The same, telling {@code timed} how long each start took, by name, in nanoseconds. */
    public static void run(Map<String, Runnable> starts, BiConsumer<String, Long> timed) {
        List<CompletableFuture<Void>> running = new ArrayList<>();
        starts.forEach((what, start) -> running.add(CompletableFuture.runAsync(() -> {
            long begin = System.nanoTime();
            start.run();
            timed.accept(what, System.nanoTime() - begin);
        }, task -> new Thread(task, "start-" + what).start())));
        try {
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
