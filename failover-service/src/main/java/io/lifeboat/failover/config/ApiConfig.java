package io.lifeboat.failover.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens of the operator API, from {@code LIFEBOAT_API_VIEWER_TOKENS} and
 * {@code LIFEBOAT_API_OPERATOR_TOKENS} (comma-separated, a Kubernetes secret). Never logged.
 */
@ConfigMapping(prefix = "lifeboat.api")
public interface ApiConfig {

    @WithName("viewer-tokens")
    Optional<List<String>> viewerTokens();

    @WithName("operator-tokens")
    Optional<List<String>> operatorTokens();
}
