package io.lifeboat.failover.dns;

import org.jboss.logging.Logger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * RFC 2136 dynamic updates signed with TSIG (RFC 8945), as BIND, PowerDNS, Knot and Windows DNS accept them.
 *
 * <p>Records mode replaces, for every configured name, the A and AAAA record sets with the site's addresses (a
 * family the site has no address of is deleted, so no stale address of the old site survives). Delegation mode
 * replaces the NS record set of each delegated name with the site's name servers. Both go in one update message:
 * the server applies all of it or nothing.
 *
 * <p>The same message carries the epoch: it replaces the zone's epoch TXT record ({@code "epoch=7 active=offsite"})
 * under an RFC 2136 prerequisite on the value read just before, so the DNS server itself refuses (NXRRSET, YXRRSET)
 * the update of a leader superseded in between, and the epoch in DNS only ever grows ({@link ZoneEpoch}).
 *
 * <p>Verification asks every configured authoritative server directly (no recursion, no cache) until each answers
 * exactly the new set, or the time is up. Every query is TSIG-signed and an answer without a valid signature does
 * not count, so a spoofed answer cannot declare a switch visible.
 */
public final class Rfc2136DnsSwitcher implements DnsSwitcher {

    private static final Logger LOG = Logger.getLogger(Rfc2136DnsSwitcher.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final DnsSettings settings;
    private final Name zone;
    private final TSIG tsig;

    public Rfc2136DnsSwitcher(DnsSettings settings) {
        this.settings = settings;
        try {
            this.zone = Name.fromString(settings.zone() + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("lifeboat.dns.zone: not a DNS name: " + settings.zone());
        }
        this.tsig = new TSIG(algorithm(), settings.tsigKeyName(), settings.tsigSecret());
    }

    @Override
    public String describe() {
        return "RFC 2136 updates to " + settings.server() + " for zone " + settings.zone() + " ("
                + settings.mode().name().toLowerCase() + " of " + settings.names() + ", TTL " + settings.ttlSeconds()
                + " s, epoch in TXT " + settings.epochRecord() + ", TSIG key " + settings.tsigKeyName() + " "
                + settings.tsigAlgorithm() + "), verified with signed queries at " + settings.verifyServers();
    }

    /** Reads the zone's epoch record first: the switch replaces it only if it still holds what was read. */
    @Override
    public String switchTo(DnsTarget target, long epoch) throws DnsException {
        return switchTo(target, epoch, readEpoch());
    }

    /**
     * The switch given what the epoch record held when read ({@link #readEpoch()}). One update message carries the
     * prerequisite on that value ("RRset exists, value dependent"; "RRset does not exist" before the first switch),
     * the address (or NS) records and the new epoch record, so the server applies all of it or nothing. Apart from
     * {@link #switchTo(DnsTarget, long)} so that a test can pause a leader between its read and its update.
     */
    public String switchTo(DnsTarget target, long epoch, ZoneEpoch seen) throws DnsException {
        Name epochName = epochName();
        ZoneEpoch.Admission admission = seen.admit(epoch, target.siteId());
        if (!admission.allowed()) {
            throw logged(new EpochRefusedException("DNS switch of epoch " + epoch + " to " + target.siteId()
                    + " not sent: " + admission.reason() + " (" + epochName + " at " + settings.server()
                    + "); nothing changed", epoch, seen.describe(), null));
        }
        Update update = new Update(zone);
        if (seen.values().isEmpty()) {
            update.absent(epochName, Type.TXT);
        } else {
            // RFC 2136 §2.4.2: prerequisite records carry TTL 0 and must match the whole RRset.
            seen.values().forEach(v -> update.present(new TXTRecord(epochName, DClass.IN, 0, v)));
        }
        try {
            addRecords(update, target);
        } catch (UnknownHostException | TextParseException e) {
            throw new DnsException("bad target for " + target.siteId() + ": " + e.getMessage(), e);
        }
        update.delete(epochName, Type.TXT);
        update.add(new TXTRecord(epochName, DClass.IN, settings.ttlSeconds(), ZoneEpoch.value(epoch, target.siteId())));
        Message response = send(settings.server(), update, true);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXRRSET || rcode == Rcode.YXRRSET) {
            throw logged(refusedByServer(target, epoch, seen, Rcode.string(rcode)));
        }
        if (rcode != Rcode.NOERROR) {
            throw new DnsException(settings.server() + " refused the update: " + Rcode.string(rcode) + tsigError(response));
        }
        requireSigned(settings.server(), response);
        String written = settings.names() + " → " + target.describe(settings.mode()) + " (TTL " + settings.ttlSeconds()
                + " s) at " + settings.server() + ", epoch " + epoch + " (" + admission.reason() + ")";
        LOG.infof("DNS switched for %s: %s", target.siteId(), written);
        return "DNS updated: " + written;
    }

    /** The epoch record as the primary holds it now, asked with a signed query (no cache in between). */
    public ZoneEpoch readEpoch() throws DnsException {
        Name epochName = epochName();
        Message query = Message.newQuery(Record.newRecord(epochName, Type.TXT, DClass.IN));
        Message answer = send(settings.server(), query, true);
        int rcode = answer.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            throw new DnsException(settings.server() + " refused the query for the epoch record " + epochName + ": "
                    + Rcode.string(rcode) + tsigError(answer));
        }
        requireSigned(settings.server(), answer);
        List<String> values = new ArrayList<>();
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof TXTRecord txt && r.getName().equals(epochName)) {
                // A record of several strings is not one Lifeboat wrote: kept apart so that it never reads as a mark.
                values.add(String.join("\" \"", txt.getStrings()));
            }
        }
        return new ZoneEpoch(values);
    }

    private EpochRefusedException refusedByServer(DnsTarget target, long epoch, ZoneEpoch seen, String rcode) {
        String now;
        try {
            now = readEpoch().describe();
        } catch (DnsException e) {
            now = "(not readable: " + e.getMessage() + ")";
        }
        return new EpochRefusedException("DNS server " + settings.server() + " refused the switch of epoch " + epoch
                + " to " + target.siteId() + " (" + rcode + "): the epoch record " + epochName() + " no longer holds "
                + seen.describe() + " but " + now + ", so another leader switched DNS since this one read it; "
                + "this leader is superseded and nothing changed", epoch, now, rcode);
    }

    /**
     * Logged here, not only by the runbook: a superseded leader's own state write is fenced and never lands, so
     * this line in its log is where an operator sees why it stopped.
     */
    private static EpochRefusedException logged(EpochRefusedException e) {
        LOG.warn(e.getMessage());
        return e;
    }

    private void addRecords(Update update, DnsTarget target) throws UnknownHostException, TextParseException {
        for (Name name : names()) {
            if (settings.mode() == DnsMode.RECORDS) {
                update.delete(name, Type.A);
                update.delete(name, Type.AAAA);
                for (String address : target.addresses()) {
                    InetAddress ip = InetAddress.getByName(address);
                    update.add(ip.getAddress().length == 4
                            ? new ARecord(name, DClass.IN, settings.ttlSeconds(), ip)
                            : new AAAARecord(name, DClass.IN, settings.ttlSeconds(), ip));
                }
            } else {
                update.delete(name, Type.NS);
                for (String ns : target.nameservers()) {
                    update.add(new NSRecord(name, DClass.IN, settings.ttlSeconds(), absolute(ns)));
                }
            }
        }
    }

    /** Signed with the TSIG key; the answer's signature is checked by the resolver ({@link #requireSigned}). */
    private Message send(DnsSettings.HostPort server, Message message, boolean tcp) throws DnsException {
        try {
            return signedResolver(server, tcp).send(message);
        } catch (IOException e) {
            throw new DnsException("no answer from " + server + ": " + e.getMessage(), e);
        }
    }

    /** An unsigned or badly signed NOERROR could come from anyone on the path: it proves nothing. */
    private void requireSigned(DnsSettings.HostPort server, Message answer) throws DnsException {
        if (!answer.isVerified()) {
            throw new DnsException("the answer of " + server + " is not signed with TSIG key "
                    + settings.tsigKeyName() + ": not trusted");
        }
    }

    @Override
    public Verification verify(DnsTarget target, Duration timeout) {
        Set<String> expected = expected(target);
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> answers = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (DnsSettings.HostPort server : settings.verifyServers()) {
                for (Name name : names()) {
                    String key = server + " " + name;
                    Set<String> got;
                    try {
                        got = ask(server, name);
                    } catch (IOException e) {
                        answers.put(key, "no answer: " + e.getMessage());
                        all = false;
                        continue;
                    }
                    answers.put(key, got.isEmpty() ? "(nothing)" : String.join(",", got));
                    all &= got.equals(expected);
                }
            }
            if (all) {
                return new Verification(true, settings.verifyServers().size() + "/" + settings.verifyServers().size()
                        + " authoritative servers answer " + String.join(", ", expected) + " for " + settings.names(),
                        answers);
            }
            if (System.nanoTime() > deadline) {
                List<String> wrong = answers.entrySet().stream()
                        .filter(e -> !e.getValue().equals(String.join(",", expected)))
                        .map(e -> e.getKey() + " answers " + e.getValue()).collect(Collectors.toList());
                return new Verification(false, "after " + timeout.toSeconds() + " s, expected "
                        + String.join(", ", expected) + " but " + String.join("; ", wrong), answers);
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Verification(false, "interrupted", answers);
            }
        }
    }

    /** The records one server gives for a name: A and AAAA addresses, or NS targets (answer or referral). */
    private Set<String> ask(DnsSettings.HostPort server, Name name) throws IOException {
        Set<String> found = new TreeSet<>();
        int[] types = settings.mode() == DnsMode.RECORDS ? new int[] {Type.A, Type.AAAA} : new int[] {Type.NS};
        for (int type : types) {
            Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            query.getHeader().unsetFlag(org.xbill.DNS.Flags.RD);
            Message answer = signedResolver(server, false).send(query);
            int rcode = answer.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw new IOException(Rcode.string(rcode) + tsigError(answer));
            }
            if (!answer.isVerified()) {
                throw new IOException("answer not signed with TSIG key " + settings.tsigKeyName() + ": not trusted");
            }
            List<Record> records = new ArrayList<>(answer.getSection(Section.ANSWER));
            if (type == Type.NS) {
                records.addAll(answer.getSection(Section.AUTHORITY));
            }
            for (Record r : records) {
                if (!r.getName().equals(name)) {
                    continue;
                }
                if (r instanceof ARecord a) {
                    found.add(a.getAddress().getHostAddress());
                } else if (r instanceof AAAARecord a) {
                    found.add(a.getAddress().getHostAddress());
                } else if (r instanceof NSRecord ns) {
                    found.add(ns.getTarget().toString());
                }
            }
        }
        return found;
    }

    private Set<String> expected(DnsTarget target) {
        Set<String> expected = new TreeSet<>();
        if (settings.mode() == DnsMode.RECORDS) {
            for (String a : target.addresses()) {
                try {
                    expected.add(InetAddress.getByName(a).getHostAddress());
                } catch (UnknownHostException e) {
                    expected.add(a);
                }
            }
        } else {
            for (String ns : target.nameservers()) {
                try {
                    expected.add(absolute(ns).toString());
                } catch (TextParseException e) {
                    expected.add(ns);
                }
            }
        }
        return expected;
    }

    private List<Name> names() {
        List<Name> out = new ArrayList<>();
        for (String n : settings.names()) {
            try {
                out.add(n.endsWith(".") ? Name.fromString(n) : Name.fromString(n, zone));
            } catch (TextParseException e) {
                throw new IllegalArgumentException("lifeboat.dns.records: not a DNS name: " + n);
            }
        }
        return out;
    }

    private static Name absolute(String name) throws TextParseException {
        return Name.fromString(name.endsWith(".") ? name : name + ".");
    }

    private Name algorithm() {
        return switch (settings.tsigAlgorithm()) {
            case "hmac-sha1" -> TSIG.HMAC_SHA1;
            case "hmac-sha224" -> TSIG.HMAC_SHA224;
            case "hmac-sha384" -> TSIG.HMAC_SHA384;
            case "hmac-sha512" -> TSIG.HMAC_SHA512;
            default -> TSIG.HMAC_SHA256;
        };
    }

    /** Every query and update is signed, and the resolver checks the answer's signature ({@code isVerified}). */
    private SimpleResolver signedResolver(DnsSettings.HostPort server, boolean tcp) {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(server.host(), server.port()));
        resolver.setTimeout(QUERY_TIMEOUT);
        resolver.setTSIGKey(tsig);
        resolver.setTCP(tcp);
        return resolver;
    }

    private static String tsigError(Message answer) {
        return answer.getTSIG() == null ? "" : ", TSIG " + Rcode.TSIGstring(answer.getTSIG().getError());
    }

    private Name epochName() {
        String n = settings.epochRecord();
        try {
            return n.endsWith(".") ? Name.fromString(n) : Name.fromString(n, zone);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("lifeboat.dns.epoch-record: not a DNS name: " + n);
        }
    }
}
