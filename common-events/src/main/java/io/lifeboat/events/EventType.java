package io.lifeboat.events;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CloudEvents type of the contract: {@code lifeboat.<thing>.<happened>.v<N>}, the record that carries its
 * data, and the topic it is published to.
 */
public record EventType<T extends EventPayload>(String name, Class<T> payloadClass, Topic topic) {

    private static final Pattern NAME = Pattern.compile("lifeboat\\.([a-z][a-z-]*)\\.([a-z][a-z-]*)\\.v([1-9][0-9]*)");

    public EventType {
        Objects.requireNonNull(payloadClass, "payloadClass");
        Objects.requireNonNull(topic, "topic");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("event type '" + name + "' is not of the form lifeboat.<thing>.<happened>.v<N>");
        }
    }

    /** The type without its version, e.g. {@code lifeboat.site.verdict-changed}. */
    public String family() {
        return familyOf(name);
    }

    public int version() {
        Matcher m = NAME.matcher(name);
        m.matches();
        return Integer.parseInt(m.group(3));
    }

    /** Where the JSON Schema of this type lies inside the jar. */
    public String schemaResource() {
        return "/schemas/" + name + ".json";
    }

    /** The family of a type name, or null where the name is not of the contract's form. */
    public static String familyOf(String typeName) {
        if (typeName == null) {
            return null;
        }
        Matcher m = NAME.matcher(typeName);
        return m.matches() ? "lifeboat." + m.group(1) + "." + m.group(2) : null;
    }
}
