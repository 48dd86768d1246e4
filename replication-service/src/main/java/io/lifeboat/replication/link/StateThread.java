package io.lifeboat.replication.link;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The one thread that writes a link's state ({@code link-<id>-state}). Work handed to it from any other thread runs
 * there, in order, and the caller waits for its result; work from the thread itself runs at once. The work must
 * never wait for another thread (it decides, stores and publishes through the outbox), so no caller can deadlock
 * with it.
 */
final class StateThread implements AutoCloseable {

    private final ExecutorService executor;
    private volatile Thread owner;

    StateThread(String linkId) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "link-" + linkId + "-state");
            t.setDaemon(true);
            owner = t;
            return t;
        });
    }

    /**
     * Runs the work on the state thread and waits for it.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the link is closed
     */
    <T> T run(Callable<T> work) {
        if (Thread.currentThread() == owner) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return executor.submit(work).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the link's state thread worked", e);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
