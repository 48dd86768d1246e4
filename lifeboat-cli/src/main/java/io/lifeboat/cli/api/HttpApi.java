package io.lifeboat.cli.api;

import io.lifeboat.cli.config.Connection;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The API over HTTP (plain {@code java.net.http}): the bearer token in {@code Authorization}, the person in
 * {@code X-Lifeboat-Actor} (the audit names them), JSON both ways. An action may take up to 30 s in the service's
 * control loop, so requests wait 40 s.
 */
public final class HttpApi implements Api {

    private final Connection connection;
    private final String actor;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public HttpApi(Connection connection, String actor) {
        this.connection = connection;
        this.actor = actor;
    }

    @Override
    public ApiResponse get(String path) throws Unreachable, InterruptedException {
        return send(request(path).GET().build());
    }

    @Override
    public ApiResponse post(String path, String jsonBody) throws Unreachable, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody)).build());
    }

    private ApiResponse send(HttpRequest request) throws Unreachable, InterruptedException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new ApiResponse(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new Unreachable("cannot reach failover-service at " + connection.url() + ": " + why(e), e);
        }
    }

    /** The JDK's connection errors often carry no message. */
    static String why(IOException e) {
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "no connection within 5 s";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within 40 s";
        }
        if (e instanceof java.net.ConnectException && e.getMessage() == null) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(connection.url() + path)).timeout(Duration.ofSeconds(40))
                .header("Authorization", "Bearer " + connection.token()).header("X-Lifeboat-Actor", actor)
                .header("Accept", "application/json");
    }
}
