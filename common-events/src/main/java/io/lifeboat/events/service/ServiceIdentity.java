package io.lifeboat.events.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Properties;
import java.util.regex.Pattern;

/** Who this instance is: service, site, instance, and the one version of the whole repository. */
@ApplicationScoped
public class ServiceIdentity {

    private static final Pattern SITE_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private final String service;
    private final String site;
    private final String instanceId;
    private final String version;
    private final String commit;
    private final Instant startedAt = Instant.now();

    ServiceIdentity(@ConfigProperty(name = "quarkus.application.name") String service, LifeboatConfig config) {
        this.service = service;
        this.site = config.site();
        if (!SITE_ID.matcher(site).matches()) {
            throw new IllegalArgumentException("lifeboat.site: '" + site
                    + "' is not a site id (lower-case letters, digits and dashes, starting with a letter)");
        }
        this.instanceId = config.instanceId().filter(s -> !s.isBlank()).orElseGet(ServiceIdentity::hostName);
        Properties build = buildProperties();
        this.version = build.getProperty("version", "unknown");
        this.commit = build.getProperty("commit", "unknown");
    }

    public String service() {
        return service;
    }

    public String site() {
        return site;
    }

    public String instanceId() {
        return instanceId;
    }

    public String version() {
        return version;
    }

    public String commit() {
        return commit;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /**
     * Who this instance is, in one string: {@code <service>/<site>/<instance>}, e.g.
     * {@code replication-service/offsite/replication-service-7c9f6d5b8-x2kqp}. What an event says did something
     * (handledBy, raisedBy, a dead letter's consumer, the DR state's writer) is this, in every service.
     */
    public String who() {
        return service + "/" + site + "/" + instanceId;
    }

    /** The CloudEvents {@code source} of everything this instance publishes. */
    public String eventSource() {
        return "/lifeboat/" + service + "/" + site;
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static Properties buildProperties() {
        Properties properties = new Properties();
        try (InputStream in = ServiceIdentity.class.getResourceAsStream("/META-INF/lifeboat-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String commit = properties.getProperty("commit", "");
        if (commit.isBlank() || commit.startsWith("${")) {
            properties.setProperty("commit", "unknown");
        }
        return properties;
    }
}
