package io.lifeboat.replication.source;

/** What a {@link ChangeSource} tells its link. Called on the engine's thread: keep it quick. */
public interface SourceListener {

    /**
     * A batch is safely in Kafka (acknowledged by all in-sync replicas); its offsets may now be committed.
     *
     * @param lastLsn the newest source LSN the capture has passed between transactions (at an END, or a heartbeat
     *                outside a transaction), -1 if none in this batch: every transaction that committed before it is
     *                wholly produced
     */
    void produced(int records, long lastLsn, long lastCommitMillis, boolean snapshot);

    /** The engine stopped; {@code error} is null after a clean close. */
    void stopped(String message, Throwable error);
}
