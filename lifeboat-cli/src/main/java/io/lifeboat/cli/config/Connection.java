package io.lifeboat.cli.config;

/**
 * Where failover-service is and the bearer token to show it. The token never leaves this record but in the
 * {@code Authorization} header: {@link #toString()} does not show it.
 *
 * @param source where each value came from, in words ("url from --url, token from LIFEBOAT_API_TOKEN")
 */
public record Connection(String url, String token, String source) {

    @Override
    public String toString() {
        return "Connection[" + url + ", token " + (token == null ? "none" : "given") + ", " + source + "]";
    }
}
