package io.lifeboat.events;

/**
 * Whether a database link's standby is a state its source had at one of its commits: the fact failover-service
 * needs before it promotes on its own.
 *
 * @param state        the verdict
 * @param reason       in words, e.g. {@code standby copy incomplete: 3 of 12 tables copied}
 * @param tablesCopied tables whose initial copy is complete
 * @param tablesTotal  tables the link replicates
 */
public record StandbyConsistency(Consistency state, String reason, int tablesCopied, int tablesTotal) {

    public boolean consistent() {
        return state == Consistency.CONSISTENT;
    }
}
