package io.lifeboat.events.testing;

import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import io.lifeboat.events.security.ApiTokens;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * What every Lifeboat service does, checked the same way for all four: extend it in a {@code @QuarkusTest} that
 * runs against the real broker.
 */
public abstract class ServiceBasicsContract {

    private final String serviceName;
    private final List<String> apiPaths;
    private final Set<String> operatorOperations;

    /**
     * @param apiPaths           paths of the service's own REST API that its OpenAPI document must describe
     * @param operatorOperations every operation that needs an operator token, as "METHOD /path" ("POST /reconcile")
     */
    protected ServiceBasicsContract(String serviceName, List<String> apiPaths, Set<String> operatorOperations) {
        this.serviceName = serviceName;
        this.apiPaths = apiPaths;
        this.operatorOperations = operatorOperations;
    }

    private String serviceName() {
        return serviceName;
    }

    private List<String> apiPaths() {
        return apiPaths;
    }

    private Set<String> operatorOperations() {
        return operatorOperations;
    }

    @Test
    @SuppressWarnings("unchecked")
    void describesItsApiAtQOpenapi() {
        Map<String, Object> doc = given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", equalTo("Lifeboat " + serviceName()))
                .body("components.securitySchemes.'" + ApiTokens.OPENAPI_SCHEME + "'.type", equalTo("http"))
                .body("components.securitySchemes.'" + ApiTokens.OPENAPI_SCHEME + "'.scheme", equalTo("bearer"))
                .extract().as(Map.class);
        assertThat((String) ((Map<String, Object>) doc.get("info")).get("version")).isNotBlank().doesNotContain("${");
        Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>) doc.get("paths");
        assertThat(paths).containsKey("/status").containsKeys(apiPaths().toArray(String[]::new));
        Set<String> operator = new TreeSet<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            List<Map<String, List<String>>> security = (List<Map<String, List<String>>>) operation.get("security");
            if (security != null && security.stream().anyMatch(s -> List.of("operator").equals(s.get(ApiTokens.OPENAPI_SCHEME)))) {
                operator.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
            }
        }));
        assertThat(operator).isEqualTo(new TreeSet<>(operatorOperations()));
    }

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
