package io.lifeboat.replication.link;

import io.lifeboat.replication.db.SiteGuard;
import io.lifeboat.replication.db.TableCatalog;
import io.lifeboat.replication.db.TableShape;

import java.util.Map;

/** The read-only guard put on a standby's replicated tables as its applier starts, on the applier's connection. */
final class StandbyGuard {

    private StandbyGuard() {
    }

    static void install(ReplicationLink link, LinkDefinition d) {
        link.applier.withConnection(c -> {
            Map<String, TableShape> tables = link.replicated(TableCatalog.read(c, d.schemas()));
            SiteGuard.install(c, tables.values(), d.target().site() + " is the standby of link " + link.id()
                    + "; writes are refused until it is promoted");
            return tables.size();
        }).whenComplete((n, e) -> {
            if (e != null) {
                ReplicationLink.LOG.warnf("link %s: read-only guard not yet installed at %s: %s", link.id(),
                        d.target(), e.getMessage());
            } else {
                ReplicationLink.LOG.infof("link %s: read-only guard on %d tables at %s", link.id(), n, d.target());
            }
        });
    }
}
