package io.lifeboat.events.security;

import io.quarkus.arc.Arc;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Produces;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the API tokens at start-up, in every service. A service with an endpoint marked {@link Allowed} does not
 * start without an operator token: an API nobody can act through would only be found out in a disaster, when an
 * operator needs it. There is no switch to turn authentication off. A service without such endpoints
 * (heartbeat-service) needs no token.
 */
@Startup(Interceptor.Priority.PLATFORM_BEFORE) // before anything of the service starts (failover's loop could lead first)
@ApplicationScoped
public class ApiAccess {

    private final ApiTokens tokens;
    private final List<String> guarded;

    ApiAccess(ApiConfig config) {
        this.tokens = ApiTokens.from(config);
        this.guarded = guardedResources();
        if (!guarded.isEmpty() && !tokens.hasOperator()) {
            throw new IllegalArgumentException(ApiConfig.OPERATOR_KEY + " (LIFEBOAT_API_OPERATOR_TOKENS): no operator "
                    + "token configured, and this service's API has actions (" + String.join(", ", guarded)
                    + "); set it from the Secret lifeboat-operator-tokens");
        }
    }

    @Produces
    @Singleton
    ApiTokens apiTokens() {
        return tokens;
    }

    /** The resource classes with an endpoint that needs a token. */
    public List<String> guarded() {
        return guarded;
    }

    private static List<String> guardedResources() {
        return Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE).stream()
                .map(bean -> bean.getBeanClass())
                .filter(ApiAccess::guards)
                .map(Class::getSimpleName)
                .distinct().sorted().toList();
    }

    static boolean guards(Class<?> type) {
        return type.isAnnotationPresent(Allowed.class)
                || Arrays.stream(type.getDeclaredMethods()).anyMatch((Method m) -> m.isAnnotationPresent(Allowed.class));
    }
}
