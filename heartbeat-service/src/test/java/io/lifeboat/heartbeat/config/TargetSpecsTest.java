package io.lifeboat.heartbeat.config;

import io.lifeboat.heartbeat.verdict.VerdictRules;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configuration as Quarkus reads it (the same mapping and converters), from properties and from env variables. */
class TargetSpecsTest {

    private static HeartbeatConfig config(Map<String, String> properties, Map<String, String> env) {
        Map<String, String> base = new HashMap<>(Map.of("lifeboat.heartbeat.observer-id", "obs-a",
                "lifeboat.heartbeat.location", "eu-west"));
        base.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(base, "test", 250))
                .withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(HeartbeatConfig.class)
                .build();
        return config.getConfigMapping(HeartbeatConfig.class);
    }

    @Test
    void readsEveryKindOfTargetWithItsDefaults() {
        List<TargetSpec> specs = TargetSpecs.from(config(Map.of(
                "lifeboat.heartbeat.sites.home.targets.web.url", "http://127.0.0.11:8080/health",
                "lifeboat.heartbeat.sites.home.targets.db.url", "jdbc:postgresql://127.0.0.11:5432/app",
                "lifeboat.heartbeat.sites.home.targets.db.user", "monitor",
                "lifeboat.heartbeat.sites.home.targets.db.password", "s3cr3t",
                "lifeboat.heartbeat.sites.home.targets.db.critical", "false",
                "lifeboat.heartbeat.sites.home.targets.dns.url", "dns://127.0.0.1:5353/portal.app.lifeboat.test",
                "lifeboat.heartbeat.sites.home.targets.dns.expect-address", "127.0.0.11",
                "lifeboat.heartbeat.sites.home.targets.dns.critical", "false"), Map.of()));

        assertThat(specs).extracting(TargetSpec::name).containsExactly("db", "dns", "web");
        TargetSpec web = TargetSpecs.find(specs, "home", "web").orElseThrow();
        assertThat(web.kind()).isEqualTo(TargetKind.HTTP);
        assertThat(web.critical()).isTrue();
        assertThat(web.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(web.expectStatus().accepts(204)).isTrue();
        assertThat(web.expectStatus().accepts(500)).isFalse();
        TargetSpec db = TargetSpecs.find(specs, "home", "db").orElseThrow();
        assertThat(db.kind()).isEqualTo(TargetKind.POSTGRES);
        assertThat(db.toString()).doesNotContain("s3cr3t");
        TargetSpec dns = TargetSpecs.find(specs, "home", "dns").orElseThrow();
        assertThat(dns.dnsServer().getPort()).isEqualTo(5353);
        assertThat(dns.dnsName()).isEqualTo("portal.app.lifeboat.test.");
        assertThat(dns.expectAddresses()).containsExactly("127.0.0.11");
    }

    @Test
    void targetsCanBeGivenAsEnvironmentVariables() {
        HeartbeatConfig config = config(Map.of(), Map.of(
                "LIFEBOAT_HEARTBEAT_SITES_HOME_TARGETS_WEB_URL", "http://127.0.0.11:8080/health",
                "LIFEBOAT_HEARTBEAT_SITES_OFFSITE_TARGETS_WEB_URL", "http://127.0.0.12:8080/health",
                "LIFEBOAT_HEARTBEAT_SITES_OFFSITE_TARGETS_DB_URL", "jdbc:postgresql://127.0.0.12:5432/app",
                "LIFEBOAT_HEARTBEAT_SITES_OFFSITE_TARGETS_DB_USER", "monitor",
                "LIFEBOAT_HEARTBEAT_SITES_OFFSITE_TARGETS_DB_CRITICAL", "false",
                "LIFEBOAT_HEARTBEAT_VERDICT_STALE_AFTER", "20s"));

        List<TargetSpec> specs = TargetSpecs.from(config);

        assertThat(specs).extracting(s -> s.siteId() + "/" + s.name())
                .containsExactly("home/web", "offsite/db", "offsite/web");
        assertThat(TargetSpecs.find(specs, "offsite", "db").orElseThrow().critical()).isFalse();
        assertThat(VerdictSettings.rules(config.verdict()).staleAfter()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aBadTargetNamesItsKey() {
        assertThatThrownBy(() -> TargetSpecs.from(config(Map.of(
                "lifeboat.heartbeat.sites.home.targets.web.url", "htp://home/health"), Map.of())))
                .hasMessageStartingWith("lifeboat.heartbeat.sites.home.targets.web.url: 'htp://home/health' is not a target");
        assertThatThrownBy(() -> TargetSpecs.from(config(Map.of(
                "lifeboat.heartbeat.sites.home.targets.web.url", "http://home/health",
                "lifeboat.heartbeat.sites.home.targets.web.expect-status", "2xx"), Map.of())))
                .hasMessageStartingWith("lifeboat.heartbeat.sites.home.targets.web.expect-status: ");
        assertThatThrownBy(() -> TargetSpecs.from(config(Map.of(
                "lifeboat.heartbeat.sites.home.targets.db.url", "jdbc:postgresql://h:5432/app?password=hunter2"), Map.of())))
                .hasMessageStartingWith("lifeboat.heartbeat.sites.home.targets.db.user: ")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> TargetSpecs.from(config(Map.of(
                "lifeboat.heartbeat.sites.home.targets.web.url", "http://home/health",
                "lifeboat.heartbeat.sites.home.targets.web.critical", "false"), Map.of())))
                .hasMessageStartingWith("lifeboat.heartbeat.sites.home.targets: site 'home' has no critical target");
        assertThatThrownBy(() -> VerdictSettings.rules(config(Map.of("lifeboat.heartbeat.verdict.quorum", "most"),
                Map.of()).verdict()))
                .hasMessageStartingWith("lifeboat.heartbeat.verdict.quorum: 'most' is neither");
    }

    @Test
    void theDefaultsAreTheIssues() {
        HeartbeatConfig config = config(Map.of(), Map.of());
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(VerdictSettings.rules(config.verdict())).isEqualTo(VerdictRules.defaults());
        assertThat(TargetSpecs.redact("jdbc:postgresql://h/app?user=u&password=x&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/app?user=u&password=***&ssl=true");
    }
}
