package io.lifeboat.loopback.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.PostgresServer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

@ExtendWith(LoopbackServers.class)
class SharedServersTest {

    @Test
    void kafkaResourceReturnsAUsableBootstrapAddress() throws Exception {
        Map<String, String> config = new KafkaResource().start();

        assertThat(config).containsOnlyKeys("kafka.bootstrap.servers",
                "mp.messaging.connector.smallrye-kafka.bootstrap.servers");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.get("kafka.bootstrap.servers")))) {
            assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).hasSize(1);
        }
        assertThat(new KafkaResource().start()).isEqualTo(config);
    }

    @Test
    void postgresResourceReturnsBothSitesUnderRenamableKeys() throws Exception {
        PostgresResource resource = new PostgresResource();
        resource.init(Map.of("home.url", "quarkus.datasource.home.jdbc.url", "database", "shared_check"));

        Map<String, String> config = resource.start();

        assertThat(config).containsKeys("quarkus.datasource.home.jdbc.url", "lifeboat.sites.home.db.password",
                "lifeboat.sites.offsite.db.url", "lifeboat.sites.offsite.db.username",
                "lifeboat.sites.offsite.db.password", "lifeboat.sites.offsite.db.port");
        assertThat(config).doesNotContainKey("lifeboat.sites.home.db.url");
        for (String[] site : new String[][] {{"quarkus.datasource.home.jdbc.url", "home"},
                {"lifeboat.sites.offsite.db.url", "offsite"}}) {
            try (Connection c = DriverManager.getConnection(config.get(site[0]),
                    config.get("lifeboat.sites." + site[1] + ".db.username"),
                    config.get("lifeboat.sites." + site[1] + ".db.password"))) {
                assertThat(c.getCatalog()).isEqualTo("shared_check");
            }
        }
        assertThat(config.get("quarkus.datasource.home.jdbc.url")).isNotEqualTo(config.get(
                "lifeboat.sites.offsite.db.url"));
    }

    @Test
    void objectStoreResourceCreatesTheBucketsAtBothSites() {
        ObjectStoreResource resource = new ObjectStoreResource();
        resource.init(Map.of("buckets", "exports, inbox"));

        Map<String, String> config = resource.start();

        for (String site : new String[] {"home", "offsite"}) {
            String prefix = "lifeboat.sites." + site + ".s3.";
            try (S3Client s3 = S3Client.builder()
                    .endpointOverride(URI.create(config.get(prefix + "endpoint")))
                    .region(Region.of(config.get(prefix + "region")))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            config.get(prefix + "access-key"), config.get(prefix + "secret-key"))))
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).contains("exports", "inbox");
            }
        }
    }

    @Test
    void dnsResourceReturnsTheServerAndItsKey() {
        Map<String, String> config = new DnsResource().start();

        assertThat(config).containsOnlyKeys("lifeboat.dns.host", "lifeboat.dns.port", "lifeboat.dns.zone",
                "lifeboat.dns.tsig.key-name", "lifeboat.dns.tsig.algorithm", "lifeboat.dns.tsig.secret");
        assertThat(config.get("lifeboat.dns.port")).isEqualTo(String.valueOf(SharedServers.dns().port()));
        assertThat(config.get("lifeboat.dns.tsig.algorithm")).isEqualTo("hmac-sha256");
    }

    @Test
    void theExtensionInjectsTheSameSharedServers(KafkaBroker kafka, PostgresServer home,
                                                 @SiteId("offsite") PostgresServer offsite, ObjectStore store,
                                                 DnsServer dns) {
        assertThat(kafka).isSameAs(SharedServers.kafka());
        assertThat(home).isSameAs(SharedServers.postgres("home"));
        assertThat(offsite).isSameAs(SharedServers.postgres("offsite")).isNotSameAs(home);
        assertThat(store).isSameAs(SharedServers.objectStore("home"));
        assertThat(dns.addresses("portal")).containsExactly("127.0.0.1");
    }
}
