package io.lifeboat.failover.dns;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses the DNS provider. Only RFC 2136 is built; another provider is another {@link DnsSwitcher} chosen here
 * by a {@code lifeboat.dns.provider} setting (see the README).
 */
@ApplicationScoped
public class DnsSwitcherProducer {

    @Produces
    @Singleton
    DnsSwitcher dnsSwitcher(DnsSettings settings) {
        return new Rfc2136DnsSwitcher(settings);
    }
}
