package io.lifeboat.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    @TempDir
    static Path workDir;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new KafkaBroker(workDir).start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
        assertThat(broker.isRunning()).isFalse();
        assertThat(accepts(broker.port())).isFalse();
    }

    @Test
    void producesAndConsumes() throws Exception {
        String topic = "produce-consume-" + UUID.randomUUID();
        broker.createTopic(topic, 3, false);

        produce(topic, 20);

        assertThat(consumeAll(topic, 20)).hasSize(20).contains("value-0", "value-19");
    }

    @Test
    void keepsTheDataAcrossStopAndStartOnTheSamePort() throws Exception {
        String topic = "restart-" + UUID.randomUUID();
        broker.createTopic(topic, 1, false);
        produce(topic, 5);
        String bootstrap = broker.bootstrapServers();

        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        assertThat(accepts(broker.port())).isFalse();
        broker.start();

        assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
        assertThat(consumeAll(topic, 5)).containsExactly("value-0", "value-1", "value-2", "value-3", "value-4");
    }

    @Test
    void keepsAcknowledgedDataAcrossAKill() throws Exception {
        String topic = "kill-" + UUID.randomUUID();
        broker.createTopic(topic, 1, false);
        produce(topic, 3);

        broker.kill();
        assertThat(broker.isRunning()).isFalse();
        broker.start();

        assertThat(consumeAll(topic, 3)).containsExactly("value-0", "value-1", "value-2");
    }

    @Test
    void createsCompactedTopics() throws Exception {
        String topic = "compacted-" + UUID.randomUUID();
        broker.createTopic(topic, 2, true);
        broker.createTopic(topic, 2, true);

        try (Admin admin = broker.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions()).hasSize(2);
        }
    }

    private static void produce(String topic, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> consumeAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

}
