package io.lifeboat.events.testing;

import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What every Lifeboat service does, checked the same way for all four: extend it in a {@code @QuarkusTest} that
 * runs against the real broker.
 */
public abstract class ServiceBasicsContract {

    protected abstract String serviceName();

    @Test
    void isLiveAndReadyWithTheBrokerReachable() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void reportsItsIdentity() {
        String version = given().get("/status").then().statusCode(200)
                .body("service", equalTo(serviceName()))
                .body("site", equalTo("home"))
                .extract().path("version");
        assertThat(version).isEqualTo(System.getProperty("lifeboat.expected.version", version)).doesNotContain("${");
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void announcesItsStartOnTheEventsTopic() {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (TopicReader events = new TopicReader(bootstrap, "lifeboat.events")) {
            Event<?> started = events.awaitEvent(e -> e.type() == EventTypes.SERVICE_STARTED
                    && ((ServiceStarted) e.payload()).service().equals(serviceName()), Duration.ofSeconds(30));
            assertThat(started.source()).isEqualTo("/lifeboat/" + serviceName() + "/home");
            assertThat(started.key()).startsWith(serviceName() + "/");
        }
    }
}
