package io.lifeboat.cli.api;

import io.lifeboat.cli.config.Connection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpApiTest {

    @Test
    void connectionErrorsSayWhatHappenedInWords() {
        assertThat(HttpApi.why(new ConnectException())).isEqualTo("connection refused");
        assertThat(HttpApi.why(new HttpConnectTimeoutException("x"))).isEqualTo("no connection within 5 s");
        assertThat(HttpApi.why(new HttpTimeoutException("x"))).isEqualTo("no answer within 40 s");
        assertThat(HttpApi.why(new IOException("closed"))).isEqualTo("closed");
    }

    @Test
    void aPortNobodyListensOnIsUnreachableAndTheTokenIsNotInTheMessage() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HttpApi api = new HttpApi(new Connection("http://127.0.0.1:" + port, "secret-token-0000", "test"), "alice");
        assertThatThrownBy(() -> api.get("/state")).isInstanceOf(Unreachable.class)
                .hasMessage("cannot reach failover-service at http://127.0.0.1:" + port + ": connection refused")
                .hasMessageNotContaining("secret-token");
    }
}
