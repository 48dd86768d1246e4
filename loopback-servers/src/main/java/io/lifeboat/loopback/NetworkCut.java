package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real network cut on loopback for tests: an nftables table of its own (a unique name, so parallel tests never
 * touch each other's rules) whose output chain drops what the test says, and optionally a cgroup v2 group that a
 * process is moved into, so that only that process's traffic is dropped ({@code socket cgroupv2}). A socket belongs
 * to the cgroup its process was in when the socket was made: move a process in before it connects.
 *
 * <p>{@link #close()} deletes the table and the group; call it in an after-hook so that nothing outlives a failed
 * test. Needs root (or CAP_NET_ADMIN) and the {@code nft} command (Debian package nftables).
 */
public final class NetworkCut implements AutoCloseable {

    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup/unified");

    private final String table;
    private final Path cgroup;
    private boolean tableMade;

    /** @param name a short name for the test; the table and the group get a unique suffix */
    public NetworkCut(String name) {
        String unique = name.replaceAll("[^a-z0-9]", "") + UUID.randomUUID().toString().substring(0, 8);
        this.table = "lb" + unique;
        this.cgroup = CGROUP_ROOT.resolve("lb" + unique);
    }

    public String table() {
        return table;
    }

    /** Moves a running process (all its threads) into this cut's cgroup. */
    public void adopt(long pid) {
        try {
            if (!Files.isDirectory(cgroup)) {
                Files.createDirectory(cgroup);
            }
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(pid), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move process " + pid + " into cgroup " + cgroup
                    + " (cgroup v2 at " + CGROUP_ROOT + ", root needed)", e);
        }
    }

    /**
     * Drops every packet the adopted processes send to TCP {@code port} on this machine. nft names the group by its
     * path under {@code /sys/fs/cgroup} (here {@code unified/<name>}, at level 1 of the v2 hierarchy).
     */
    public void dropFromAdoptedTo(int port) {
        ensureTable();
        nft("add", "rule", "inet", table, "out", "socket", "cgroupv2", "level", "1", "\"" + Path.of("/sys/fs/cgroup").relativize(cgroup) + "\"",
                "tcp", "dport", Integer.toString(port), "drop");
    }

    /** As {@link #dropFromAdoptedTo(int)}, for one address of this machine only (servers sharing a port). */
    public void dropFromAdoptedTo(String address, int port) {
        ensureTable();
        nft("add", "rule", "inet", table, "out", "socket", "cgroupv2", "level", "1", "\"" + Path.of("/sys/fs/cgroup").relativize(cgroup) + "\"",
                "ip", "daddr", address, "tcp", "dport", Integer.toString(port), "drop");
    }

    /**
     * Whether cuts can be made here: cgroup v2 where this class looks for it, writable (root), and {@code nft}
     * on the path. Null when they can; otherwise why not, in words.
     */
    public static String unavailableBecause() {
        if (!Files.isDirectory(CGROUP_ROOT) || !Files.isWritable(CGROUP_ROOT.resolve("cgroup.procs"))) {
            return "no writable cgroup v2 hierarchy at " + CGROUP_ROOT + " (it needs root)";
        }
        try {
            Process nft = new ProcessBuilder("nft", "--version").redirectErrorStream(true).start();
            nft.getInputStream().readAllBytes();
            if (nft.waitFor() != 0) {
                return "nft --version failed";
            }
        } catch (IOException e) {
            return "no nft command (Debian package nftables)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return null;
    }

    /** Drops every packet sent to TCP {@code port}, and every packet sent from it, whoever sends it. */
    public void dropPort(int port) {
        ensureTable();
        nft("add", "rule", "inet", table, "out", "tcp", "dport", Integer.toString(port), "drop");
        nft("add", "rule", "inet", table, "out", "tcp", "sport", Integer.toString(port), "drop");
    }

    /** Lifts every rule of this cut (the table stays until {@link #close()}). */
    public void heal() {
        if (tableMade) {
            nft("flush", "chain", "inet", table, "out");
        }
    }

    private void ensureTable() {
        if (!tableMade) {
            nft("add", "table", "inet", table);
            tableMade = true;
            nft("add", "chain", "inet", table, "out", "{ type filter hook output priority 0; }");
        }
    }

    @Override
    public void close() {
        List<String> problems = new ArrayList<>();
        if (tableMade) {
            try {
                nft("delete", "table", "inet", table);
                tableMade = false;
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        if (Files.isDirectory(cgroup)) {
            try {
                // A group can only go once it is empty: whatever is left goes back to the root group.
                for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                    if (!pid.isBlank()) {
                        try {
                            Files.writeString(CGROUP_ROOT.resolve("cgroup.procs"), pid.trim());
                        } catch (IOException gone) {
                            // the process ended meanwhile
                        }
                    }
                }
                Files.delete(cgroup);
            } catch (IOException e) {
                problems.add("cgroup " + cgroup + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("network cut " + table + " not fully removed: " + problems);
        }
    }

    private static void nft(String... args) {
        List<String> command = new ArrayList<>();
        command.add("nft");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer within 10 s");
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                        + output + " (nftables needed: apt-get install nftables; root needed)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run nft (apt-get install nftables)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running nft", e);
        }
    }
}
