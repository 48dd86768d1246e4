package io.lifeboat.replication.link;

import io.lifeboat.replication.config.ReplicationConfig;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-site settings ({@code lifeboat.replication.sites.<site>.*}), checked against the links. */
final class SiteSettings {

    private static final Logger LOG = Logger.getLogger(SiteSettings.class);

    private SiteSettings() {
    }

    /**
     * Each site's application roles. A site of a link without any is a warning, not a refusal to start: replication
     * itself does not need them, only FENCE's hold on the application does, and the warning says what FENCE then
     * cannot stop. A role Lifeboat itself logs in as there is refused: a fence would lock Lifeboat out.
     */
    static Map<String, List<String>> applicationRoles(ReplicationConfig config, Collection<LinkDefinition> links) {
        Map<String, List<String>> roles = new LinkedHashMap<>();
        config.sites().forEach((site, settings) -> settings.applicationRoles().ifPresent(listed ->
                roles.put(site, listed.stream().map(String::trim).filter(r -> !r.isEmpty()).distinct().toList())));
        for (LinkDefinition link : links) {
            for (var endpoint : List.of(link.source(), link.target())) {
                String key = "lifeboat.replication.sites." + endpoint.site() + ".application-roles";
                List<String> listed = roles.get(endpoint.site());
                if (listed == null || listed.isEmpty()) {
                    LOG.warnf("%s is not set: FENCE of %s cannot stop the application there (its roles keep their"
                            + " login, and a session can switch the read-only default off for itself and write to"
                            + " tables outside the links); list the roles the application logs in as", key,
                            endpoint.site());
                } else if (listed.contains(endpoint.user())) {
                    throw new LinkDefinition.InvalidLinkConfig(key, "lists " + endpoint.user() + ", the role link "
                            + link.id() + " logs in as at " + endpoint.site() + "; Lifeboat must connect as a role of"
                            + " its own, never as the application's");
                }
            }
        }
        return Map.copyOf(roles);
    }
}
