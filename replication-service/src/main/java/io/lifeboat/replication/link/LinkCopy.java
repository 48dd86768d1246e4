package io.lifeboat.replication.link;

import io.lifeboat.replication.copy.CopyProgress;
import io.lifeboat.replication.copy.CopyStore;
import io.lifeboat.replication.copy.TableCopier;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A link's copy of tables, run by its applier between transactions (the link knows the source's tables). */
final class LinkCopy {

    private LinkCopy() {
    }

    static void copy(ReplicationLink link, List<String> tables, Consumer<CopyProgress> progress) throws Exception {
        LinkDefinition d = link.definition;
        Map<String, TableShape> shapes;
        try (Connection c = d.source().connect("lifeboat-copy-" + link.id())) {
            shapes = link.replicated(TableCatalog.read(c, d.schemas()));
        }
        List<String> gone = tables.stream().filter(t -> !shapes.containsKey(t)).toList();
        try (Connection c = d.target().connect("lifeboat-copy-" + link.id())) {
            Map<String, TableShape> there = TableCatalog.read(c, d.schemas());
            List<String> missing = tables.stream().filter(t -> shapes.containsKey(t) && !there.containsKey(t)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalStateException("tables to copy are missing at " + d.target().site() + ": " + missing
                        + " (DDL is not replicated: create them there)");
            }
            if (!gone.isEmpty()) {
                // Dropped at the source since they were to be copied: nothing to copy, nothing to wait for.
                CopyStore.forget(c, link.id(), gone);
                ReplicationLink.LOG.warnf("link %s: tables no longer at the source, not copied: %s", link.id(), gone);
            }
        }
        List<TableShape> todo = tables.stream().filter(shapes::containsKey).map(shapes::get).toList();
        link.on(new LinkRules.Input.CopyStarts(todo.size(), d.source().site()));
        new TableCopier(link.id(), d.source(), d.target(), d.copyParallelism()).copy(todo, progress);
        link.on(new LinkRules.Input.CopyDone(todo.size(), d.slot()));
    }
}
