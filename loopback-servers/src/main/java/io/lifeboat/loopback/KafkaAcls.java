package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A service's Kafka user as the project ships it, a Strimzi {@code KafkaUser} under
 * {@code deploy/k8s/base/kafka-users/}, turned into the ACLs a {@link KafkaBroker#addUser secured broker} enforces:
 * the tests run each service with exactly the rights its manifest grants, so the two cannot drift apart.
 */
public final class KafkaAcls {

    /** Where the shipped users are, from the repository root. */
    public static final Path SHIPPED = Path.of("deploy", "k8s", "base", "kafka-users");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private KafkaAcls() {
    }

    /** The ACLs of the shipped KafkaUser {@code user} (e.g. {@code heartbeat-service}). */
    public static List<AclBinding> shipped(String user) {
        return ofStrimziUser(repositoryRoot().resolve(SHIPPED).resolve(user + ".yaml"));
    }

    /** The ACLs of one {@code KafkaUser} resource ({@code spec.authorization.type: simple}), for its user. */
    public static List<AclBinding> ofStrimziUser(Path file) {
        JsonNode user;
        try {
            user = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the KafkaUser " + file, e);
        }
        if (!"KafkaUser".equals(user.path("kind").asText())
                || !"simple".equals(user.path("spec").path("authorization").path("type").asText())) {
            throw new IllegalArgumentException(file + " is not a KafkaUser with simple authorization");
        }
        String principal = "User:" + user.path("metadata").path("name").asText();
        List<AclBinding> bindings = new ArrayList<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            ResourcePattern pattern = pattern(acl.path("resource"), file);
            String host = acl.path("host").asText("*");
            AclPermissionType permission = "deny".equalsIgnoreCase(acl.path("type").asText("allow"))
                    ? AclPermissionType.DENY : AclPermissionType.ALLOW;
            List<JsonNode> operations = new ArrayList<>();
            acl.path("operations").forEach(operations::add);
            if (acl.has("operation")) {
                operations.add(acl.path("operation"));
            }
            for (JsonNode operation : operations) {
                bindings.add(new AclBinding(pattern,
                        new AccessControlEntry(principal, host, operation(operation.asText(), file), permission)));
            }
        }
        return bindings;
    }

    private static ResourcePattern pattern(JsonNode resource, Path file) {
        String type = resource.path("type").asText();
        PatternType patternType = "prefix".equals(resource.path("patternType").asText("literal"))
                ? PatternType.PREFIXED : PatternType.LITERAL;
        return switch (type) {
            case "topic" -> new ResourcePattern(ResourceType.TOPIC, resource.path("name").asText(), patternType);
            case "group" -> new ResourcePattern(ResourceType.GROUP, resource.path("name").asText(), patternType);
            case "transactionalId" ->
                    new ResourcePattern(ResourceType.TRANSACTIONAL_ID, resource.path("name").asText(), patternType);
            case "cluster" -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            default -> throw new IllegalArgumentException(file + ": unknown resource type '" + type + "'");
        };
    }

    /** Strimzi's operation names (IdempotentWrite, DescribeConfigs) are Kafka's in camel case. */
    private static AclOperation operation(String name, Path file) {
        AclOperation operation = AclOperation.fromString(
                name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
            throw new IllegalArgumentException(file + ": unknown operation '" + name + "'");
        }
        return operation;
    }

    /** The directory holding {@link #SHIPPED}: the working directory (a module's, in a Maven run) or one above. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(SHIPPED))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + SHIPPED + " in " + Path.of("").toAbsolutePath() + " or above");
    }
}
