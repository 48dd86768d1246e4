package io.lifeboat.loopback.testing;

import io.lifeboat.loopback.DnsServer;
import io.lifeboat.loopback.KafkaBroker;
import io.lifeboat.loopback.ObjectStore;
import io.lifeboat.loopback.PostgresServer;
import io.lifeboat.loopback.TwoSiteWorld;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for plain (non-Quarkus) tests: injects the {@link SharedServers} into test and lifecycle method
 * parameters of type {@link KafkaBroker}, {@link PostgresServer}, {@link ObjectStore} and {@link DnsServer}.
 * Per-site servers take {@link SiteId} ({@code @SiteId("offsite") PostgresServer offsite}); the default is home.
 */
public class LoopbackServers implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == PostgresServer.class || type == ObjectStore.class
                || type == DnsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        String site = parameter.findAnnotation(SiteId.class).map(SiteId::value).orElse(TwoSiteWorld.HOME);
        if (type == KafkaBroker.class) {
            return SharedServers.kafka();
        }
        if (type == PostgresServer.class) {
            return SharedServers.postgres(site);
        }
        if (type == ObjectStore.class) {
            return SharedServers.objectStore(site);
        }
        return SharedServers.dns();
    }
}
