package io.lifeboat.filesync.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import org.junit.jupiter.api.Test;

/** Bad configuration stops start-up with every key at fault named, and never a secret's value. */
class ConfigCheckTest {

    @Test
    void namesEveryMissingOrWrongKeyAndItsEnvironmentVariable() {
        List<String> problems = ConfigCheck.problems(mapping(Map.of(
                "lifeboat.filesync.sites.home.endpoint", "http://127.0.0.1:9000",
                "lifeboat.filesync.sites.home.access-key", "AKIAEXAMPLE",
                "lifeboat.filesync.sites.home.secret-key", "very-secret-value",
                "lifeboat.filesync.sites.home.bucket", "Not_A_Bucket",
                "lifeboat.filesync.sites.home.notification-topic", "t",
                "lifeboat.filesync.sites.offsite.endpoint", "ftp://nowhere",
                "lifeboat.filesync.sites.offsite.arrivals", "scanner",
                "lifeboat.filesync.mirror.part-size", "1M",
                "lifeboat.filesync.mirror.spool-dir", "/dev/null/spool")));

        assertThat(problems).anyMatch(p -> p.startsWith("lifeboat.filesync.sites.home.bucket:"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.sites.offsite.endpoint: not an http(s) URL"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.sites.offsite.access-key: missing")
                        && p.contains("LIFEBOAT_OFFSITE_S3_ACCESS_KEY"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.sites.offsite.secret-key: missing")
                        && p.contains("LIFEBOAT_OFFSITE_S3_SECRET_KEY"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.sites.offsite.bucket: missing"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.mirror.part-size"))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.mirror.spool-dir: /dev/null/spool is not a writable"));
        assertThat(String.join("\n", problems)).doesNotContain("very-secret-value").doesNotContain("AKIAEXAMPLE");
    }

    @Test
    void aSpoolTurnedOffNeedsNoDirectory() {
        assertThat(ConfigCheck.problems(mapping(Map.of("lifeboat.filesync.mirror.spool-dir", "/dev/null/spool",
                "lifeboat.filesync.mirror.spool-size", "0")))).noneMatch(p -> p.contains("spool-dir"));
    }

    @Test
    void needsTwoSites() {
        assertThat(ConfigCheck.problems(mapping(Map.of("lifeboat.filesync.sites.home.bucket", "exports"))))
                .anyMatch(p -> p.startsWith("lifeboat.filesync.sites: at least two sites"));
    }

    private static FilesyncConfig mapping(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .withConverter(io.quarkus.runtime.configuration.MemorySize.class, 100,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(FilesyncConfig.class)
                .build();
        return config.getConfigMapping(FilesyncConfig.class);
    }
}
