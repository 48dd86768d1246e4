package io.debezium.pipeline.source.spi;

import org.apache.kafka.connect.data.Struct;

import java.util.Map;

/**
 * Lifeboat's replacement for Debezium 3.6.3's own class of this name (same package, same API; the application's
 * classes come first on the service's class path). Debezium builds this summary of <em>every</em> change for one
 * JMX attribute ({@code LastEvent}, through {@code CommonEventMeter.onEvent}); its own version prints the key with
 * {@code SchemaUtil.asDetailedString}, which creates a Jackson {@code ObjectMapper} per change: in the service's
 * profile 11 % of all CPU and the largest single source of garbage, with no setting to turn it off. This one gives
 * the operation and the LSN only: the key's {@code Struct.toString} was still a few per cent of the decoder thread
 * in a burst, for an attribute nobody reads per change.
 *
 * <p>Remove when Debezium stops formatting every event (check on each Debezium upgrade: if Debezium changes this
 * class's API, the build of this module breaks here, or {@code EventMetadataProvider} fails at run time).
 */
class EventFormatter {

    private Map<String, String> sourcePosition;
    private Object key;
    private Struct value;

    @Override
    public String toString() {
        StringBuilder string = new StringBuilder(128);
        if (value != null) {
            Object op = value.schema().field("op") == null ? null : value.get("op");
            if (op != null) {
                string.append("operation: ").append(op).append(", ");
            }
        }
        if (sourcePosition != null && sourcePosition.get("lsn") != null) {
            string.append("lsn: ").append(sourcePosition.get("lsn")).append(", ");
        }
        if (string.length() >= 2) {
            string.setLength(string.length() - 2);
        }
        return string.toString();
    }

    public EventFormatter sourcePosition(Map<String, String> sourcePosition) {
        this.sourcePosition = sourcePosition;
        return this;
    }

    public EventFormatter key(Object key) {
        this.key = key;
        return this;
    }

    public EventFormatter value(Struct value) {
        this.value = value;
        return this;
    }
}
