package io.lifeboat.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What a disaster drill against the running sandbox needs, as an operator would do it: the failover API, the
 * databases, DNS, the object stores, the lag topic, and the demo writer's own record of what it committed.
 */
final class Drill {

    /** Each demo table with the order its rows are compared in. */
    static final Map<String, String> TABLES = Map.of(
            "demo.customers", "id",
            "demo.arrays", "customer_id, serial",
            "demo.measurements", "id");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Properties endpoints;

    Drill(Properties endpoints) {
        this.endpoints = endpoints;
    }

    String endpoint(String name) {
        String value = endpoints.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("the endpoints file has no " + name);
        }
        return value;
    }

    // --- the operator API ----------------------------------------------------------------------------------------

    JsonNode state() throws IOException, InterruptedException {
        return get(endpoint("LIFEBOAT_FAILOVER_URL") + "/state");
    }

    /** What failover-service decided and did, newest first. */
    JsonNode history() throws IOException, InterruptedException {
        return get(endpoint("LIFEBOAT_FAILOVER_URL") + "/history");
    }

    /** A JSON answer of any service's API (the viewer token goes along; services without auth ignore it). */
    JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + endpoint("LIFEBOAT_API_VIEWER_TOKEN"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Phase and active site, e.g. "ON_DR offsite", to await on. */
    String phaseAndActiveSite() throws IOException, InterruptedException {
        JsonNode state = state();
        return state.path("phase").asText() + " " + state.path("activeSite").asText();
    }

    String verdictOf(String site) throws IOException, InterruptedException {
        return state().path("verdicts").path(site).asText("");
    }

    /** Whether replication-service reports the consistency of database link {@code main}'s standby (issue 12). */
    boolean consistencyReported() throws IOException, InterruptedException {
        for (JsonNode lag : state().path("lags")) {
            if (lag.path("linkId").asText().equals("main")) {
                return lag.path("consistency").isObject();
            }
        }
        return false;
    }

    /**
     * failover-service fails over on its own only when the standby is known to be consistent. A replication-service
     * older than that report (the one this repository runs until its rewrite lands) makes it ask a person; then
     * the drill approves, as an operator would, but only when that is the one question asked (any other reason
     * fails the drill) and only while the link reports no consistency at all.
     *
     * @return whether it approved
     */
    boolean approveWhenAskedOnlyForUnreportedConsistency() throws IOException, InterruptedException {
        return approveIf(asked -> !consistencyReported() && asked.startsWith(
                "standby not known to be consistent: the link reports no consistency (link main) ("),
                "drill: replication-service reports no consistency yet");
    }

    /**
     * Approves a failover that failover-service put to a person, as the operator running the drill would, but only
     * when its question contains {@code expected}: any other question fails the drill.
     *
     * @return whether it approved
     */
    boolean approveWhenAskedAbout(String expected, String why) throws IOException, InterruptedException {
        return approveIf(asked -> asked.contains(expected), why);
    }

    /** What the drill accepts to approve, given failover-service's question. */
    private interface Acceptable {
        boolean test(String asked) throws IOException, InterruptedException;
    }

    private boolean approveIf(Acceptable acceptable, String why) throws IOException, InterruptedException {
        JsonNode state = state();
        if (!state.path("phase").asText().equals("AWAITING_APPROVAL")) {
            return false;
        }
        String asked = state.path("pending").path("reason").asText();
        if (!acceptable.test(asked)) {
            throw new AssertionError("failover-service asked a person for another reason: " + asked);
        }
        HttpResponse<String> approved = operatorPost("/approve", why);
        if (approved.statusCode() != 202) {
            throw new AssertionError("approve answered " + approved.statusCode() + ": " + approved.body());
        }
        return true;
    }

    HttpResponse<String> operatorPost(String path, String reason) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("reason", reason));
        return HTTP.send(HttpRequest.newBuilder(URI.create(endpoint("LIFEBOAT_FAILOVER_URL") + path))
                .header("Authorization", "Bearer " + endpoint("LIFEBOAT_API_TOKEN"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // --- the databases -------------------------------------------------------------------------------------------

    Connection connect(String site) throws SQLException {
        String prefix = "LIFEBOAT_" + site.toUpperCase(java.util.Locale.ROOT) + "_PG_";
        return DriverManager.getConnection(endpoint(prefix + "URL"), endpoint(prefix + "USER"), endpoint(prefix + "PASSWORD"));
    }

    long count(String site, String sql) throws SQLException {
        try (Connection connection = connect(site); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Per demo table: its row count and an MD5 of every row in key order, the same text at both sites. */
    Map<String, String> checksums(String site) throws SQLException {
        Map<String, String> sums = new LinkedHashMap<>();
        try (Connection connection = connect(site)) {
            for (Map.Entry<String, String> table : new java.util.TreeMap<>(TABLES).entrySet()) {
                try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) || ' rows ' || "
                        + "coalesce(md5(string_agg(t::text, '|' ORDER BY " + table.getValue() + ")), '-') FROM "
                        + table.getKey() + " t")) {
                    rows.next();
                    sums.put(table.getKey(), rows.getString(1));
                }
            }
        }
        return sums;
    }

    /** Every demo measurement at {@code site}, as the writer's ledger names it: the site that wrote it and its id. */
    Set<LedgerCheck.Row> rows(String site) throws SQLException {
        Set<LedgerCheck.Row> rows = new HashSet<>();
        try (Connection connection = connect(site); ResultSet result = connection.createStatement()
                .executeQuery("SELECT coalesce(tags->>'site', '?'), id FROM demo.measurements")) {
            while (result.next()) {
                rows.add(new LedgerCheck.Row(result.getString(1), result.getLong(2)));
            }
        }
        return rows;
    }

    Set<Long> measurementIds(String site) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection connection = connect(site);
             ResultSet rows = connection.createStatement().executeQuery("SELECT id FROM demo.measurements")) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    // --- what the writer committed, by its own record ------------------------------------------------------------

    /**
     * The demo writer's ledger through the sandbox's control API: the rows of {@code site} (every site when null)
     * whose COMMIT returned (or is in doubt) at or before {@code until} (ever, when null).
     */
    List<CommitLedger.Entry> ledger(String site, Instant until) throws IOException, InterruptedException {
        StringBuilder url = new StringBuilder(endpoint("LIFEBOAT_SANDBOX_WRITER_COMMITTED_URL")).append('?');
        if (site != null) {
            url.append("site=").append(site).append('&');
        }
        if (until != null) {
            url.append("until=").append(until);
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return LedgerCheck.parse(response.body());
    }

    // --- what reached Kafka --------------------------------------------------------------------------------------

    /** The links that lag events of kind FILES have been published for, from the lag topic up to its end. */
    Set<String> fileLinksOnTheLagTopic() throws IOException {
        Set<String> links = new HashSet<>();
        for (ConsumerRecord<String, String> record : readToEnd("lifeboat.replication.lag")) {
            JsonNode lag = JSON.readTree(record.value());
            if ("FILES".equals(lag.path("kind").asText())) {
                links.add(lag.path("linkId").asText());
            }
        }
        return links;
    }

    /** As the endpoints file says: on the sandbox's secured broker, its admin user's settings file. */
    private Map<String, Object> kafkaSettings() {
        Map<String, Object> settings = new java.util.HashMap<>();
        String clientConfig = endpoints.getProperty("LIFEBOAT_KAFKA_CLIENT_CONFIG");
        if (clientConfig != null) {
            java.util.Properties file = new java.util.Properties();
            try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(clientConfig))) {
                file.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            file.forEach((k, v) -> settings.put(k.toString(), v));
        }
        settings.put("bootstrap.servers", endpoint("LIFEBOAT_KAFKA_BOOTSTRAP"));
        settings.put("isolation.level", "read_committed");
        settings.put("enable.auto.commit", "false");
        return settings;
    }

    private List<ConsumerRecord<String, String>> readToEnd(String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(kafkaSettings(), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    // --- the object stores ---------------------------------------------------------------------------------------

    /** A client of a site's object store ({@code HOME}, {@code OFFSITE}), from the endpoints file. */
    S3Client s3(String site) {
        String prefix = "LIFEBOAT_" + site + "_S3_";
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint(prefix + "ENDPOINT")))
                .region(Region.of(endpoint(prefix + "REGION")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        endpoint(prefix + "ACCESS_KEY"), endpoint(prefix + "SECRET_KEY"))))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
