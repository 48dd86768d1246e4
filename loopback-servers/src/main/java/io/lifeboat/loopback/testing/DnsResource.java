package io.lifeboat.loopback.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lifeboat.loopback.DnsServer;

/**
 * The shared BIND server for {@code @QuarkusTest}s: zone {@code app.lifeboat.test}, {@code portal} → 127.0.0.1.
 *
 * <p>Returns, under these default keys (each renamable with an init arg of the name in brackets):
 * {@code lifeboat.dns.host} [{@code host}], {@code lifeboat.dns.port} [{@code port}],
 * {@code lifeboat.dns.zone} [{@code zone}], {@code lifeboat.dns.tsig.key-name} [{@code tsig.key-name}],
 * {@code lifeboat.dns.tsig.algorithm} [{@code tsig.algorithm}], {@code lifeboat.dns.tsig.secret}
 * [{@code tsig.secret}].
 */
public class DnsResource extends SharedServerResource {

    @Override
    public Map<String, String> start() {
        DnsServer dns = SharedServers.dns();
        Map<String, String> config = new LinkedHashMap<>();
        config.put(keys.key("host", "lifeboat.dns.host"), dns.host());
        config.put(keys.key("port", "lifeboat.dns.port"), String.valueOf(dns.port()));
        config.put(keys.key("zone", "lifeboat.dns.zone"), dns.zone());
        config.put(keys.key("tsig.key-name", "lifeboat.dns.tsig.key-name"), dns.tsigKeyName());
        config.put(keys.key("tsig.algorithm", "lifeboat.dns.tsig.algorithm"), dns.tsigAlgorithm());
        config.put(keys.key("tsig.secret", "lifeboat.dns.tsig.secret"), dns.tsigSecret());
        return config;
    }
}
