package io.lifeboat.failover.dns;

/** What a switch changes. */
public enum DnsMode {
    /** Replace the A/AAAA records of the service's names with the new active site's addresses. */
    RECORDS,
    /** Re-point the delegation: replace the NS records of the delegated names with the new site's servers. */
    DELEGATION
}
