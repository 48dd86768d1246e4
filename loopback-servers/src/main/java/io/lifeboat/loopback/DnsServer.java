package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real BIND 9 server ({@code named}) on 127.0.0.1, authoritative for one zone that accepts RFC 2136 updates
 * signed with a TSIG key (hmac-sha256), as the operators' DNS would.
 *
 * <p>Configuration, zone file and journal live in the work directory. The zone file is written only when absent,
 * so {@link #stop()} then {@link #start()} (or a SIGKILL via {@link #kill()}) keeps every update, from the journal.
 */
public final class DnsServer extends ChildServer {

    public static final String NAMED = "/usr/sbin/named";
    public static final String TSIG_ALGORITHM = "hmac-sha256";
    public static final String TSIG_KEY_NAME = "lifeboat-update";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);

    private final Path workDir;
    private final ZoneSpec spec;
    private final int port = FreePorts.next();
    private final String tsigSecret = Secrets.base64(32);

    public DnsServer(Path workDir) {
        this(workDir, ZoneSpec.defaults());
    }

    public DnsServer(Path workDir, ZoneSpec spec) {
        super(Duration.ofSeconds(10));
        this.workDir = workDir.toAbsolutePath();
        this.spec = spec;
    }

    public synchronized DnsServer start() {
        if (isRunning()) {
            return this;
        }
        if (!Files.isExecutable(Path.of(NAMED))) {
            throw new IllegalStateException(NAMED + " not found: install BIND 9 with 'apt-get install -y bind9' "
                    + "(the project's setup scripts do)");
        }
        try {
            Files.createDirectories(workDir);
            Files.writeString(configFile(), namedConf());
            if (!Files.exists(zoneFile())) {
                Files.writeString(zoneFile(), zoneFileContent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write BIND's configuration in " + workDir, e);
        }
        // -g: foreground, logging to stderr (our log file). No -u: as root named simply keeps running as root.
        process = ChildProcess.start("named", List.of(NAMED, "-g", "-4", "-n", "1", "-c", configFile().toString()),
                Map.of(), workDir, logFile())
                .readyOrKilled(this::awaitReady);
        return this;
    }

    public String host() {
        return FreePorts.LOOPBACK.getHostAddress();
    }

    /** The same port for UDP and TCP. */
    public int port() {
        return port;
    }

    /** The zone name, without the final dot. */
    public String zone() {
        return spec.zone();
    }

    public String tsigKeyName() {
        return TSIG_KEY_NAME;
    }

    public String tsigAlgorithm() {
        return TSIG_ALGORITHM;
    }

    /** Base64, as BIND and {@code nsupdate -y} expect it. Never log it. */
    public String tsigSecret() {
        return tsigSecret;
    }

    /** The key for signing updates with dnsjava. */
    public TSIG tsig() {
        return new TSIG(TSIG.HMAC_SHA256, TSIG_KEY_NAME, tsigSecret);
    }

    /** A resolver that asks this server only (UDP, falling back to TCP for truncated answers). */
    public SimpleResolver resolver() {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(host(), port));
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver;
    }

    /** The A records for a name (relative to the zone or absolute), as asked directly of this server; sorted. */
    public List<String> addresses(String name) {
        return records(name, Type.A).stream()
                .map(r -> ((ARecord) r).getAddress().getHostAddress())
                .sorted()
                .collect(Collectors.toList());
    }

    /** The records of one type for a name (empty if none or if the name does not exist). */
    public List<Record> records(String name, int type) {
        try {
            Record question = Record.newRecord(Name.fromString(spec.absolute(name)), type, DClass.IN);
            Message answer = resolver().send(Message.newQuery(question));
            int rcode = answer.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw new IllegalStateException("DNS query for " + name + " answered " + Rcode.string(rcode));
            }
            return answer.getSection(Section.ANSWER).stream().filter(r -> r.getType() == type)
                    .collect(Collectors.toList());
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        } catch (IOException e) {
            throw new UncheckedIOException("DNS server on " + host() + ":" + port + " did not answer", e);
        }
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return workDir.resolve("named.log");
    }

    private void awaitReady(ChildProcess process) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception lastProblem = null;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("named exited with code " + process.exitValue() + " while starting"
                        + process.tailForError());
            }
            try {
                if (!records(zone(), Type.SOA).isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                lastProblem = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("named on " + host() + ":" + port + " did not answer for " + zone()
                        + " within " + READY_TIMEOUT + process.tailForError(), lastProblem);
            }
            process.waitFor(POLL);
        }
    }

    // allow-update by key covers every name of the zone, failover-service's epoch TXT record (_lifeboat-epoch…)
    // included, which each switch rewrites in the same update as the addresses; tests pick their own names. A
    // production primary grants no more than needed with update-policy (failover-service README, DNS checklist).
    private String namedConf() {
        return """
                // Written by lifeboat loopback-servers at every start; the port and the key may change between objects.
                options {
                    directory "%1$s";
                    pid-file none;
                    session-keyfile none;
                    managed-keys-directory "%1$s";
                    listen-on port %2$d { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    dnssec-validation no;
                    notify no;
                    allow-transfer { none; };
                };
                // No rndc channel: the server is stopped with signals.
                controls { };
                key "%3$s" {
                    algorithm %4$s;
                    secret "%5$s";
                };
                zone "%6$s" {
                    type primary;
                    file "%7$s";
                    allow-update { key "%3$s"; };
                };
                """.formatted(workDir, port, TSIG_KEY_NAME, TSIG_ALGORITHM, tsigSecret, zone(), zoneFile());
    }

    private String zoneFileContent() {
        StringBuilder zone = new StringBuilder();
        zone.append("$ORIGIN ").append(zone()).append(".\n");
        zone.append("$TTL ").append(spec.ttlSeconds()).append('\n');
        zone.append("@ IN SOA ns hostmaster 1 3600 600 86400 ").append(spec.ttlSeconds()).append('\n');
        zone.append("@ IN NS ns\n");
        zone.append("ns IN A 127.0.0.1\n");
        new TreeMap<>(spec.aRecords()).forEach((name, address) -> zone.append(spec.absolute(name))
                .append(' ').append(spec.ttlSeconds()).append(" IN A ").append(address).append('\n'));
        return zone.toString();
    }

    private Path configFile() {
        return workDir.resolve("named.conf");
    }

    private Path zoneFile() {
        return workDir.resolve(zone() + ".zone");
    }
}
