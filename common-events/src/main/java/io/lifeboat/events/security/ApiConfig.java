package io.lifeboat.events.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens of a service's API, from {@code LIFEBOAT_API_VIEWER_TOKENS} and {@code LIFEBOAT_API_OPERATOR_TOKENS}
 * (comma-separated, the Kubernetes Secret {@code lifeboat-operator-tokens}). Never logged.
 */
@ConfigMapping(prefix = "lifeboat.api")
public interface ApiConfig {

    String VIEWER_KEY = "lifeboat.api.viewer-tokens";
    String OPERATOR_KEY = "lifeboat.api.operator-tokens";

    @WithName("viewer-tokens")
    Optional<List<String>> viewerTokens();

    @WithName("operator-tokens")
    Optional<List<String>> operatorTokens();
}
