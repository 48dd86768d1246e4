package io.lifeboat.replication.link;

import io.lifeboat.replication.state.PersistedLink;
import org.jboss.logging.Logger;

/**
 * Where a link starts: the direction, connector, phase and epoch its stored state names, or the configured
 * direction on a link's first start. A stored direction whose sites do not match the configured pair is ignored
 * (the link was reconfigured), with a warning.
 */
record RestoredDirection(LinkDefinition definition, String connector, PersistedLink.Phase phase, long epoch) {

    private static final Logger LOG = Logger.getLogger(RestoredDirection.class);

    static RestoredDirection of(LinkDefinition configured, PersistedLink persisted) {
        String connector = "lifeboat-" + configured.id() + "-" + configured.source().site();
        if (persisted == null) {
            return new RestoredDirection(configured, connector, PersistedLink.Phase.RUNNING, -1);
        }
        boolean same = persisted.sourceSite().equals(configured.source().site())
                && persisted.targetSite().equals(configured.target().site());
        boolean reversed = persisted.sourceSite().equals(configured.target().site())
                && persisted.targetSite().equals(configured.source().site());
        if (same || reversed) {
            return new RestoredDirection(reversed ? configured.reversed() : configured, persisted.connector(),
                    persisted.phase(), persisted.epoch());
        }
        LOG.warnf("link %s: stored direction %s → %s does not match the configured sites %s and %s; running as"
                + " configured", configured.id(), persisted.sourceSite(), persisted.targetSite(),
                configured.source().site(), configured.target().site());
        return new RestoredDirection(configured, connector, PersistedLink.Phase.RUNNING, persisted.epoch());
    }
}
