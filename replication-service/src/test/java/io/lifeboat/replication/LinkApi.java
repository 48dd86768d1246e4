package io.lifeboat.replication;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;

import static io.lifeboat.replication.LinkDatabases.SOON;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** {@link ReplicationLinkTest}'s calls to the service's API that take an operator's token or a wait. */
final class LinkApi {

    private LinkApi() {
    }

    static RequestSpecification operator() {
        return given().auth().oauth2(LinkEnvironment.OPERATOR);
    }

    /** Starts a comparison of link {@code it} (as an operator) and returns its result once it ended. */
    static JsonPath compared() {
        String started = operator().post("/links/it/compare").then()
                .statusCode(202).extract().jsonPath().getString("startedAt");
        await().atMost(SOON).pollInterval(Duration.ofMillis(200)).until(() -> {
            var p = given().get("/links/it/compare").then().statusCode(200).extract().jsonPath();
            return started.equals(p.getString("comparisons[0].startedAt"))
                    && !"RUNNING".equals(p.getString("comparisons[0].outcome"));
        });
        return given().get("/links/it/compare").then().extract().jsonPath().setRootPath("comparisons[0]");
    }
}
