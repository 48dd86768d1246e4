package io.lifeboat.sandbox;

import io.lifeboat.loopback.NetworkCut;
import io.lifeboat.loopback.ServiceProcess;
import io.lifeboat.loopback.TwoSiteWorld;

/**
 * {@code ./lifeboat lose home --cut}: home cut off from the rest of the world while everything at home keeps
 * running, as a partition does it, with nftables rules on loopback. Two groups of processes (cgroup v2), each put in
 * its group when it starts, since a socket belongs to the group its process was in when it was made:
 * <ul>
 *   <li>the Lifeboat services that run outside home (observers, replication, filesync, failover) no longer reach
 *       home's PostgreSQL, object store and portal;</li>
 *   <li>home's own heartbeat-service, its site warden, no longer reaches Kafka, so it cannot renew home's lease.</li>
 * </ul>
 * The demo writer, the SaaS at home, is in neither group: it keeps writing into home's database, as back-end jobs
 * that do not follow DNS would, until home's fence stops it. Needs root and nftables; without them the sandbox runs
 * and only {@code --cut} is refused, saying why.
 */
final class SandboxCut implements AutoCloseable {

    private final String unavailable = NetworkCut.unavailableBecause();
    private final NetworkCut outside = unavailable == null ? new NetworkCut("sandboxoutside") : null;
    private final NetworkCut homeWarden = unavailable == null ? new NetworkCut("sandboxwarden") : null;
    private boolean cut;

    /** Puts a just-started service in its group: home's warden, or the services that run outside home. */
    void adopt(ServiceProcess service, String site) {
        if (unavailable == null) {
            long pid = service.pid().orElseThrow(() -> new IllegalStateException(service.name() + " is not running"));
            (TwoSiteWorld.HOME.equals(site) ? homeWarden : outside).adopt(pid);
        }
    }

    /** Cuts home off; refuses (IllegalArgumentException, a 400 for the control API) where it cannot. */
    synchronized String cutHome(TwoSiteWorld world, SiteStandIn portal) {
        if (unavailable != null) {
            throw new IllegalArgumentException("--cut needs nftables rules and cgroups, and they cannot be made here: "
                    + unavailable + "; use --crash or a plain lose");
        }
        if (!cut) {
            outside.dropFromAdoptedTo(world.postgres(TwoSiteWorld.HOME).port());
            outside.dropFromAdoptedTo(world.objectStore(TwoSiteWorld.HOME).port());
            outside.dropFromAdoptedTo(portal.address(), portal.port());
            homeWarden.dropFromAdoptedTo(world.kafka().port());
            cut = true;
        }
        return "site home cut off: the services outside it no longer reach its PostgreSQL, object store and portal,"
                + " and its warden no longer reaches Kafka; everything at home keeps running\n";
    }

    synchronized boolean isCut() {
        return cut;
    }

    synchronized void heal() {
        if (cut) {
            outside.heal();
            homeWarden.heal();
            cut = false;
        }
    }

    @Override
    public void close() {
        for (NetworkCut c : new NetworkCut[] {outside, homeWarden}) {
            if (c != null) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    System.err.println("lifeboat sandbox: " + e.getMessage());
                }
            }
        }
    }
}
