package io.lifeboat.failover.config;

import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.dns.DnsSettings;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Checks the configuration once, at start-up: a bad value stops the service with the key named. */
@Startup
@ApplicationScoped
public class SettingsProducer {

    private final Policy policy;
    private final DnsSettings dns;

    SettingsProducer(FailoverConfig failover, DnsConfig dnsConfig) {
        this.policy = FailoverSettings.policy(failover);
        this.dns = FailoverSettings.dns(dnsConfig, failover);
    }

    @Produces
    @Singleton
    Policy policy() {
        return policy;
    }

    @Produces
    @Singleton
    DnsSettings dnsSettings() {
        return dns;
    }
}
