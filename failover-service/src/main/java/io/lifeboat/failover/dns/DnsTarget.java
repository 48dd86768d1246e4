package io.lifeboat.failover.dns;

import java.util.List;

/**
 * Where DNS must send users when a site is active: its addresses (records mode) or its name servers (delegation
 * mode, absolute names with the final dot optional).
 */
public record DnsTarget(String siteId, List<String> addresses, List<String> nameservers) {

    public DnsTarget {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
    }

    public String describe(DnsMode mode) {
        return mode == DnsMode.RECORDS ? String.join(", ", addresses) : "NS " + String.join(", ", nameservers);
    }
}
