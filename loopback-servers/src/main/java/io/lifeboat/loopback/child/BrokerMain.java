package io.lifeboat.loopback.child;

import kafka.tools.StorageTool;

/**
 * Main class of the broker's child JVM (never loaded in the parent, which has no Kafka server classes): formats the
 * storage when asked, in the same JVM because a second JVM launch would add a second or two to every first start,
 * then runs the broker.
 *
 * <p>Arguments: the server.properties path, then the cluster id if the storage is to be formatted.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) {
        String config = args[0];
        if (args.length > 1) {
            int exitCode = StorageTool.execute(
                    new String[] {"format", "--ignore-formatted", "-t", args[1], "-c", config}, System.out);
            if (exitCode != 0) {
                System.exit(exitCode);
            }
        }
        kafka.Kafka.main(new String[] {config});
    }
}
