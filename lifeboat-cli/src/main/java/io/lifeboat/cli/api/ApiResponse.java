package io.lifeboat.cli.api;

/** An answer of the service: its status and its body as sent. */
public record ApiResponse(int status, String body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
