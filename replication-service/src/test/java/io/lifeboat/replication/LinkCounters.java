package io.lifeboat.replication;

import io.lifeboat.loopback.ServiceProcess;

import static io.restassured.RestAssured.given;

/** A link's change counters, as its packaged service (a process of its own) reports them on its status API. */
final class LinkCounters {

    private LinkCounters() {
    }

    static long producedChanges(ServiceProcess service, String link) {
        return given().baseUri(service.url()).get("/links/" + link).then().statusCode(200).extract()
                .jsonPath().getLong("producedChanges");
    }

    static long appliedChanges(ServiceProcess service, String link) {
        return given().baseUri(service.url()).get("/links/" + link).then().statusCode(200).extract()
                .jsonPath().getLong("appliedChanges");
    }
}
