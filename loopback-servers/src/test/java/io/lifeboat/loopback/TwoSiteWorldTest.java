package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoSiteWorldTest {

    @TempDir
    Path workDir;

    @Test
    void startsEverythingWritesTheEndpointsAndStopsEverything() throws Exception {
        TwoSiteWorld world = TwoSiteWorld.start(workDir);
        Path endpoints = workDir.resolve("endpoints.env");
        try {
            System.out.println("TwoSiteWorld start-up times: " + world.startupTimes());
            assertThat(world.kafka().isRunning()).isTrue();
            assertThat(world.dns().addresses("portal")).containsExactly("127.0.0.1");
            for (String site : TwoSiteWorld.SITES) {
                assertThat(world.objectStore(site).isRunning()).isTrue();
                try (Connection c = world.postgres(site).connect(world.database())) {
                    assertThat(c.isValid(5)).isTrue();
                }
            }
            assertThat(world.postgres("home").port()).isNotEqualTo(world.postgres("offsite").port());

            world.writeEndpoints(endpoints);

            Properties read = new Properties();
            try (Reader reader = Files.newBufferedReader(endpoints)) {
                read.load(reader);
            }
            assertThat(read.getProperty("LIFEBOAT_KAFKA_BOOTSTRAP")).isEqualTo(world.kafka().bootstrapServers());
            assertThat(read.getProperty("LIFEBOAT_OFFSITE_PG_URL")).isEqualTo(world.postgres("offsite")
                    .jdbcUrl("lifeboat"));
            assertThat(read.getProperty("LIFEBOAT_DNS_TSIG_SECRET")).isEqualTo(world.dns().tsigSecret());
            assertThat(read.stringPropertyNames()).containsAll(world.endpoints().keySet());
            assertThat(sourced(endpoints, "$LIFEBOAT_HOME_PG_PORT $LIFEBOAT_DNS_PORT $LIFEBOAT_HOME_S3_SECRET_KEY"))
                    .isEqualTo(world.postgres("home").port() + " " + world.dns().port() + " "
                            + world.objectStore("home").secretKey());
        } finally {
            world.close();
        }
        assertThat(world.kafka().isRunning()).isFalse();
        assertThat(world.dns().isRunning()).isFalse();
        for (String site : TwoSiteWorld.SITES) {
            assertThat(world.postgres(site).isRunning()).isFalse();
            assertThat(world.objectStore(site).isRunning()).isFalse();
        }
    }

    private static String sourced(Path file, String expression) throws Exception {
        Process shell = new ProcessBuilder("/bin/sh", "-c", ". \"$1\" && echo " + expression, "sh", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(shell.waitFor()).isZero();
        return output;
    }
}
