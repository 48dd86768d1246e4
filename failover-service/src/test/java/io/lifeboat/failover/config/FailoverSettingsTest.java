package io.lifeboat.failover.config;

import io.lifeboat.failover.decision.Mode;
import io.lifeboat.failover.decision.Policy;
import io.lifeboat.failover.dns.DnsMode;
import io.lifeboat.failover.dns.DnsSettings;
import io.lifeboat.events.security.ApiTokens;
import io.lifeboat.events.security.ApiConfig;
import io.lifeboat.events.security.Role;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real SmallRye mapping over properties, then the checks the service runs at start-up. */
class FailoverSettingsTest {

    static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="; // base64 of 32 bytes

    static Map<String, String> valid() {
        Map<String, String> p = new HashMap<>();
        p.put("lifeboat.failover.home-site", "home");
        p.put("lifeboat.failover.sites.home.addresses", "127.0.0.11");
        p.put("lifeboat.failover.sites.offsite.addresses", "127.0.0.12,::1");
        p.put("lifeboat.dns.host", "127.0.0.1");
        p.put("lifeboat.dns.port", "5353");
        p.put("lifeboat.dns.zone", "app.lifeboat.test.");
        p.put("lifeboat.dns.tsig.key-name", "lifeboat-update");
        p.put("lifeboat.dns.tsig.secret", SECRET);
        p.put("lifeboat.api.viewer-tokens", "viewer-token-0123456789");
        p.put("lifeboat.api.operator-tokens", "operator-token-0123456789, operator-token-abcdefghij");
        return p;
    }

    static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(FailoverConfig.class).withMapping(DnsConfig.class)
                .withMapping(ApiConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    static Policy policy(Map<String, String> p) {
        return FailoverSettings.policy(config(p).getConfigMapping(FailoverConfig.class));
    }

    static DnsSettings dns(Map<String, String> p) {
        SmallRyeConfig c = config(p);
        return FailoverSettings.dns(c.getConfigMapping(DnsConfig.class), c.getConfigMapping(FailoverConfig.class));
    }

    @Test
    void theDefaultsAreThoseDocumented() {
        Policy policy = policy(valid());
        assertThat(policy.homeSite()).isEqualTo("home");
        assertThat(policy.otherSite()).isEqualTo("offsite");
        assertThat(policy.mode()).isEqualTo(Mode.AUTO);
        assertThat(policy.grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.allowedDataLoss()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.cooldown()).isEqualTo(Duration.ofMinutes(10));
        assertThat(policy.minObservers()).isEqualTo(2);
        assertThat(policy.minLocations()).isEqualTo(2);
        assertThat(policy.databaseLinks()).containsExactly("main");
        DnsSettings dns = dns(valid());
        assertThat(dns.mode()).isEqualTo(DnsMode.RECORDS);
        assertThat(dns.zone()).isEqualTo("app.lifeboat.test");
        assertThat(dns.names()).containsExactly("portal");
        assertThat(dns.epochRecord()).isEqualTo("_lifeboat-epoch");
        assertThat(dns.verifyServers()).extracting(Object::toString).containsExactly("127.0.0.1:5353");
        assertThat(dns.target("offsite").addresses()).containsExactly("127.0.0.12", "::1");
    }

    @Test
    void theSecretNeverShowsInTheSettingsText() {
        assertThat(dns(valid()).toString()).doesNotContain(SECRET).contains("hidden");
    }

    @Test
    void tokensHaveRoles() {
        ApiTokens tokens = ApiTokens.from(config(valid()).getConfigMapping(ApiConfig.class));
        assertThat(tokens.roleOf("viewer-token-0123456789")).contains(Role.VIEWER);
        assertThat(tokens.roleOf("operator-token-abcdefghij")).contains(Role.OPERATOR);
        assertThat(tokens.roleOf("nope-nope-nope-nope")).isEmpty();
        assertThat(tokens.toString()).doesNotContain("viewer-token");
    }

    private void assertRefused(String key, String value, String message) {
        Map<String, String> p = valid();
        if (value == null) {
            p.remove(key);
        } else {
            p.put(key, value);
        }
        assertThatThrownBy(() -> {
            policy(p);
            dns(p);
            ApiTokens.from(config(p).getConfigMapping(ApiConfig.class));
        }).hasMessageContaining(message);
    }

    @Test
    void badValuesStopStartUpNamingTheKey() {
        assertRefused("lifeboat.failover.mode", "sometimes", "lifeboat.failover.mode: must be auto or manual");
        assertRefused("lifeboat.failover.home-site", "elsewhere", "lifeboat.failover.home-site: 'elsewhere' is not one of the sites");
        assertRefused("lifeboat.failover.grace", "-1s", "lifeboat.failover.grace");
        assertRefused("lifeboat.failover.steps.attempts", "0", "lifeboat.failover.steps.attempts");
        assertRefused("lifeboat.failover.sites.offsite.addresses", "not-an-ip", "lifeboat.failover.sites.offsite.addresses");
        assertRefused("lifeboat.dns.mode", "carrier-pigeon", "lifeboat.dns.mode");
        assertRefused("lifeboat.dns.port", "70000", "lifeboat.dns.port");
        assertRefused("lifeboat.dns.tsig.algorithm", "md5", "lifeboat.dns.tsig.algorithm");
        assertRefused("lifeboat.api.operator-tokens", "short", "lifeboat.api.operator-tokens");
        assertRefused("lifeboat.dns.host", null, "lifeboat.dns.host");
        assertRefused("lifeboat.dns.epoch-record", "epoch record", "lifeboat.dns.epoch-record: 'epoch record' is not a DNS name");
    }

    @Test
    void theEpochRecordCannotLieBelowADelegatedName() {
        Map<String, String> p = valid();
        p.put("lifeboat.dns.mode", "delegation");
        p.put("lifeboat.failover.sites.home.nameservers", "ns1.home.example");
        p.put("lifeboat.failover.sites.offsite.nameservers", "ns1.offsite.example");
        assertThat(dns(p).epochRecord()).isEqualTo("_lifeboat-epoch");
        p.put("lifeboat.dns.epoch-record", "_lifeboat-epoch.portal");
        assertThatThrownBy(() -> dns(p)).hasMessageContaining("lifeboat.dns.epoch-record")
                .hasMessageContaining("below the delegated name 'portal'");
    }

    @Test
    void aBadSecretIsNamedButNotShown() {
        Map<String, String> p = valid();
        p.put("lifeboat.dns.tsig.secret", "not*base64*at*all");
        assertThatThrownBy(() -> dns(p)).hasMessageContaining("lifeboat.dns.tsig.secret")
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void everyKeyHasAnEnvironmentForm() {
        Map<String, String> env = new HashMap<>();
        env.put("LIFEBOAT_FAILOVER_HOME_SITE", "home");
        env.put("LIFEBOAT_FAILOVER_SITES_HOME_ADDRESSES", "127.0.0.11");
        env.put("LIFEBOAT_FAILOVER_SITES_OFFSITE_ADDRESSES", "127.0.0.12");
        env.put("LIFEBOAT_FAILOVER_MODE", "manual");
        env.put("LIFEBOAT_DNS_HOST", "127.0.0.1");
        env.put("LIFEBOAT_DNS_PORT", "5353");
        env.put("LIFEBOAT_DNS_ZONE", "app.lifeboat.test");
        env.put("LIFEBOAT_DNS_TSIG_KEY_NAME", "lifeboat-update");
        env.put("LIFEBOAT_DNS_TSIG_ALGORITHM", "hmac-sha256");
        env.put("LIFEBOAT_DNS_TSIG_SECRET", SECRET);
        env.put("LIFEBOAT_API_OPERATOR_TOKENS", "operator-token-0123456789,operator-token-abcdefghij");
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(FailoverConfig.class).withMapping(DnsConfig.class)
                .withMapping(ApiConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.EnvConfigSource(env, 300)).build();
        Policy policy = FailoverSettings.policy(c.getConfigMapping(FailoverConfig.class));
        DnsSettings dns = FailoverSettings.dns(c.getConfigMapping(DnsConfig.class), c.getConfigMapping(FailoverConfig.class));
        ApiTokens tokens = ApiTokens.from(c.getConfigMapping(ApiConfig.class));
        assertThat(policy.mode()).isEqualTo(Mode.MANUAL);
        assertThat(dns.target("offsite").addresses()).containsExactly("127.0.0.12");
        assertThat(dns.server().port()).isEqualTo(5353);
        assertThat(dns.tsigSecret()).isEqualTo(SECRET);
        assertThat(tokens.roleOf("operator-token-abcdefghij")).contains(Role.OPERATOR);
    }

    @Test
    void delegationModeNeedsNameServers() {
        Map<String, String> p = valid();
        p.put("lifeboat.dns.mode", "delegation");
        assertThatThrownBy(() -> dns(p)).hasMessageContaining("lifeboat.failover.sites.");
        p.put("lifeboat.failover.sites.home.nameservers", "ns1.home.example.");
        p.put("lifeboat.failover.sites.offsite.nameservers", "ns1.offsite.example.");
        assertThat(dns(p).mode()).isEqualTo(DnsMode.DELEGATION);
    }
}
