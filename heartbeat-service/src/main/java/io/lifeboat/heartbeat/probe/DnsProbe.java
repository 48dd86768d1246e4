package io.lifeboat.heartbeat.probe;

import io.lifeboat.heartbeat.config.TargetSpec;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks one given DNS server for a name's A and AAAA records and expects an address (one of the expected ones, if
 * given). It asks that server directly, past any cache: a wrong answer there is what users get.
 */
final class DnsProbe extends TimedProbe {

    private final SimpleResolver resolver;
    private final Name name;

    DnsProbe(TargetSpec target) {
        super(target);
        try {
            this.resolver = new SimpleResolver(target.dnsServer().getHost());
            this.name = Name.fromString(target.dnsName());
        } catch (Exception e) {
            throw new IllegalArgumentException(target.key() + ".url: " + e.getMessage(), e);
        }
        resolver.setPort(target.dnsServer().getPort());
        resolver.setTimeout(target.timeout());
    }

    @Override
    protected ProbeResult check(long start) throws Exception {
        List<String> addresses = new ArrayList<>();
        int rcode = ask(Type.A, addresses);
        if (rcode == Rcode.NOERROR) {
            ask(Type.AAAA, addresses);
        }
        long latency = millisSince(start);
        if (rcode != Rcode.NOERROR) {
            return ProbeResult.failed(latency, "DNS", target.dnsName() + ": " + Rcode.string(rcode));
        }
        if (addresses.isEmpty()) {
            return ProbeResult.failed(latency, "DNS", target.dnsName() + " has no address");
        }
        if (!target.expectAddresses().isEmpty() && addresses.stream().noneMatch(target.expectAddresses()::contains)) {
            return ProbeResult.failed(latency, "DNS", target.dnsName() + " answered " + String.join(", ", addresses)
                    + ", expected " + String.join(" or ", target.expectAddresses()));
        }
        return ProbeResult.ok(latency);
    }

    private int ask(int type, List<String> addresses) throws java.io.IOException {
        Message response = resolver.send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record instanceof ARecord a) {
                addresses.add(a.getAddress().getHostAddress());
            } else if (record instanceof AAAARecord aaaa) {
                addresses.add(aaaa.getAddress().getHostAddress());
            }
        }
        return response.getRcode();
    }
}
