package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.events.Severity;
import io.lifeboat.replication.apply.ApplierListener;
import io.lifeboat.replication.apply.Unappliable;
import io.lifeboat.replication.source.ChangeSource;
import io.lifeboat.replication.source.SourceListener;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** What a link's capture and applier tell it, and what the link does about it (state, alerts, restarts). */
final class LinkListeners {

    private LinkListeners() {
    }

    /** What the capture tells the link (on Debezium's thread). */
    static final class SourceEvents implements SourceListener {
        private final ReplicationLink link;
        /** The capture these events come from, set once it is built: a stop is unexpected only for the live one. */
        final AtomicReference<ChangeSource> own = new AtomicReference<>();

        SourceEvents(ReplicationLink link) {
            this.link = link;
        }

        @Override
        public void produced(int records, long lastLsn, long lastCommitMillis, boolean snapshot) {
            link.producedChanges += records;
            link.producedLsn = Math.max(link.producedLsn, lastLsn);
            if (link.state() == LinkState.STARTING) { // checked first: most batches change nothing
                link.on(new LinkRules.Input.Produced(link.definition.slot()));
            }
        }

        @Override
        public void stopped(String message, Throwable error) {
            ChangeSource failed = own.get();
            // stopCapture() lets go of the live capture before closing it: a stop it asked for, or the end of a
            // capture that was never the link's (a stranded read), is no reason to restart.
            if (link.closed || failed == null || link.source != failed) {
                ReplicationLink.LOG.infof("link %s: a capture stopped earlier has ended (%s)", link.id(),
                        error == null ? message : error.getMessage());
                return;
            }
            link.capturing = false;
            if (!link.on(new LinkRules.Input.CaptureStopped()).does(LinkRules.Effect.RESTART_CAPTURE_LATER)) {
                link.threads.execute(failed::close); // not on this thread: the engine's close waits for it
                return;
            }
            ReplicationLink.LOG.warnf("link %s: capture stopped (%s); restarting in 5 s from the last acknowledged"
                    + " offset", link.id(), error == null ? "the engine ended: " + message : error.getMessage());
            link.threads.schedule(() -> {
                failed.close();
                link.startCapture(); // unless a command took the link meanwhile: the rules decide again
            }, 5, TimeUnit.SECONDS);
        }
    }

    /** What the applier tells the link (on the applier's thread). */
    static final class ApplierEvents implements ApplierListener {
        private final ReplicationLink link;

        ApplierEvents(ReplicationLink link) {
            this.link = link;
        }

        @Override
        public void tableStopped(Unappliable u) {
            link.on(new LinkRules.Input.TableStopped("table " + u.table() + " stopped at " + u.topic() + "-"
                    + u.partition() + "@" + u.offset() + ": " + u.cause() + "; the link waits before that transaction"));
            link.alerts.raise("APPLY_STOPPED", u.table(), Severity.CRITICAL, link.definition.target().site(), "change to "
                    + u.table() + " at " + u.topic() + "-" + u.partition() + "@" + u.offset() + " (key " + u.key()
                    + ") cannot be applied: " + u.cause() + "; the link waits before that transaction (a transaction"
                    + " is applied whole or not at all); fix it, then POST /links/" + link.id() + "/tables/" + u.table()
                    + "/resume", Map.of("table", u.table(), "topic", u.topic(), "partition",
                    Integer.toString(u.partition()), "offset", Long.toString(u.offset()), "key", String.valueOf(u.key())));
        }

        @Override
        public void tableResumed(String table) {
            link.alerts.resolve("APPLY_STOPPED", table, link.definition.target().site(), "table " + table
                    + " resumed by an operator");
            link.on(new LinkRules.Input.TableResumed(table));
        }

        @Override
        public void gap(String topic, int partition, long storedOffset, long foundOffset, String why) {
            link.on(new LinkRules.Input.Gap("change stream gap in " + topic + "-" + partition + ": " + why));
            link.alerts.raise("CHANGE_STREAM_GAP", topic, Severity.CRITICAL, link.definition.target().site(), "the change"
                    + " stream " + topic + "-" + partition + " lost changes never applied (next offset to apply "
                    + storedOffset + ", found " + foundOffset + "): " + why + "; the link stopped and skips nothing;"
                    + " POST /links/" + link.id() + "/resync copies every table again", Map.of("topic", topic,
                    "partition", Integer.toString(partition), "storedOffset", Long.toString(storedOffset),
                    "foundOffset", Long.toString(foundOffset)));
        }

        @Override
        public void failing(String why) {
            ReplicationLink.LOG.debugf("link %s: applier failing: %s", link.id(), why);
        }

        @Override
        public void recovered() {
            ReplicationLink.LOG.debugf("link %s: applier recovered", link.id());
        }
    }
}
