package io.lifeboat.events.testing;

import io.restassured.specification.RequestSpecification;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * The same check of an endpoint's bearer tokens in every service: no token 401, a token of too weak a role 403,
 * the right role passes the filter (the endpoint's own answer), and no token ever shows in a log line, plain or JSON.
 */
public final class ApiAuthContract {

    private static final java.util.logging.Formatter JSON = new io.quarkus.logging.json.runtime.JsonFormatter();

    private ApiAuthContract() {
    }

    /**
     * @param request  a fresh request (base URI set) for each call
     * @param method   GET or POST
     * @param weaker   a token whose role is not enough, or null when the endpoint needs only a viewer
     * @param enough   a token whose role is enough
     * @param answered the status the endpoint itself answers once let in
     */
    public static void check(Supplier<RequestSpecification> request, String method, String path, String weaker,
            String enough, int answered) {
        List<String> lines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
                // And the line as the structured (JSON) console log would print it, MDC and exception included.
                lines.add(JSON.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try {
            request.get().request(method, path).then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"));
            request.get().auth().oauth2("not-a-known-token-at-all").request(method, path).then().statusCode(401);
            if (weaker != null) {
                request.get().auth().oauth2(weaker).request(method, path).then().statusCode(403)
                        .body("error", containsString("may not do this"));
            }
            request.get().auth().oauth2(enough).request(method, path).then().statusCode(answered);
        } finally {
            root.removeHandler(capture);
        }
        for (String token : new String[] {weaker, enough, "not-a-known-token-at-all"}) {
            if (token != null) {
                assertThat(lines).as("log lines while calling " + path).noneMatch(l -> l.contains(token));
            }
        }
    }
}
