package io.lifeboat.replication.link;

import java.util.List;

/** Replicated tables without a primary key: the link refuses to start rather than half-replicate them. */
final class MissingPrimaryKeys extends RuntimeException {

    MissingPrimaryKeys(String link, List<String> tables) {
        super("link " + link + ": tables without a primary key cannot be replicated: " + String.join(", ", tables)
                + " (add a primary key or list them in lifeboat.replication.links." + link + ".tables-exclude)");
    }
}
