package io.lifeboat.loopback.child;

import kafka.tools.StorageTool;

/**
 * Main class of the broker's child JVM (never loaded in the parent, which has no Kafka server classes): formats the
 * storage when asked, in the same JVM because a second JVM launch would add a second or two to every first start,
 * then runs the broker.
 *
 * <p>Arguments: the server.properties path, then the cluster id if the storage is to be formatted, then (secured
 * brokers) a file of SCRAM credentials to create at format, one {@code --add-scram} value a line: read from a file
 * so that no password shows on a command line.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws java.io.IOException {
        String config = args[0];
        if (args.length > 1) {
            java.util.List<String> format = new java.util.ArrayList<>(
                    java.util.List.of("format", "--ignore-formatted", "-t", args[1], "-c", config));
            if (args.length > 2) {
                for (String credential : java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[2]))) {
                    if (!credential.isBlank()) {
                        format.add("--add-scram");
                        format.add(credential.trim());
                    }
                }
            }
            int exitCode = StorageTool.execute(format.toArray(String[]::new), System.out);
            if (exitCode != 0) {
                System.exit(exitCode);
            }
        }
        kafka.Kafka.main(new String[] {config});
    }
}
