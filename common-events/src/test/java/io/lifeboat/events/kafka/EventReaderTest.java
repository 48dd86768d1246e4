package io.lifeboat.events.kafka;

import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandParameters;
import io.lifeboat.events.Event;
import io.lifeboat.events.EventTypes;
import io.lifeboat.events.ServiceStarted;
import io.lifeboat.events.json.EventJson;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventReaderTest {

    private static final Instant STARTED = Instant.parse("2026-11-25T01:02:03.456Z");
    private final EventReader reader = new EventReader(1024);

    @Test
    void readsAWellFormedEvent() throws Exception {
        Event<?> event = reader.read(headers("lifeboat.service.started.v1"), started());

        assertThat(event.type()).isEqualTo(EventTypes.SERVICE_STARTED);
        assertThat(event.id()).isEqualTo("id-1");
        assertThat(event.source()).isEqualTo("/lifeboat/test/home");
        assertThat(event.time()).isEqualTo(STARTED);
        assertThat(event.payload()).isEqualTo(new ServiceStarted("svc", "home", "i-1", "1.0", "abc", STARTED));
        assertThat(event.key()).isEqualTo("svc/i-1");
    }

    @Test
    void readsBackWhatEventRecordsWrites() throws Exception {
        ServiceStarted started = new ServiceStarted("svc", "home", "i-1", "1.0", "abc", STARTED);
        var record = EventRecords.record("lifeboat.events", EventTypes.SERVICE_STARTED, started, "/lifeboat/test/home", STARTED);

        Event<?> event = new EventReader(EventReader.DEFAULT_MAX_PAYLOAD_BYTES).read(record.headers(), record.value());
        assertThat(event.payload()).isEqualTo(started);
        assertThat(event.source()).isEqualTo("/lifeboat/test/home");
        assertThat(event.time()).isEqualTo(STARTED);
        assertThat(record.key()).isEqualTo(started.subject()).isEqualTo(event.key());
        assertThat(CloudEventHeaders.text(record.headers(), CloudEventHeaders.SUBJECT)).isEqualTo(started.subject());
        assertThat(record.topic()).isEqualTo("lifeboat.events");
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        byte[] withExtra = "{\"service\":\"svc\",\"siteId\":\"home\",\"instanceId\":\"i-1\",\"version\":\"1\",\"commit\":\"c\",\"startedAt\":\"2026-11-25T01:02:03Z\",\"newField\":42}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(reader.read(headers("lifeboat.service.started.v1"), withExtra).payload())
                .isInstanceOf(ServiceStarted.class);
    }

    @Test
    void saysWhyARecordCannotBeRead() {
        assertReason(headers("lifeboat.service.started.v1"), null, "no payload");
        assertReason(headers("lifeboat.service.started.v1"), new byte[2000], "2000 bytes is over the limit of 1024 bytes");
        assertReason(new RecordHeaders(), started(), "header ce_type is missing");
        assertReason(headers("lifeboat.nothing.happened.v1"), started(), "unknown event type: lifeboat.nothing.happened.v1");
        assertReason(headers("lifeboat.service.started.v2"), started(), "unknown version of event type: lifeboat.service.started.v2");
        assertReason(headers("lifeboat.service.started.v1"), "{oops".getBytes(StandardCharsets.UTF_8), "is not JSON");
        assertReason(headers("lifeboat.service.started.v1"), "[1,2]".getBytes(StandardCharsets.UTF_8), "is not a JSON object");
        assertReason(headers("lifeboat.service.started.v1"), "{\"service\":\"svc\"}".getBytes(StandardCharsets.UTF_8),
                "does not match the schema of lifeboat.service.started.v1");

        RecordHeaders noId = headers("lifeboat.service.started.v1");
        noId.remove(CloudEventHeaders.ID);
        assertReason(noId, started(), "header ce_id is missing");

        RecordHeaders oldSpec = headers("lifeboat.service.started.v1");
        oldSpec.remove(CloudEventHeaders.SPEC_VERSION);
        oldSpec.add(CloudEventHeaders.SPEC_VERSION, "0.3".getBytes(StandardCharsets.UTF_8));
        assertReason(oldSpec, started(), "unsupported CloudEvents spec version '0.3'");

        RecordHeaders badTime = headers("lifeboat.service.started.v1");
        badTime.remove(CloudEventHeaders.TIME);
        badTime.add(CloudEventHeaders.TIME, "yesterday".getBytes(StandardCharsets.UTF_8));
        assertReason(badTime, started(), "not an RFC 3339 time");
    }

    /** Producers before CommandParameters wrote every parameter as a string: their commands still read, typed. */
    @Test
    void readsACommandWhoseParametersAreTheStringsOfAnEarlierProducer() throws Exception {
        assertThat(command("{\"site\":\"home\",\"planned\":\"true\"}"))
                .isEqualTo(CommandParameters.plannedPromote("home"));
        assertThat(command("{\"site\":\"offsite\",\"sourceLostAt\":\"2026-11-25T01:02:00.500Z\"}"))
                .isEqualTo(CommandParameters.promote("offsite", Instant.parse("2026-11-25T01:02:00.500Z")));
        assertThat(command("{\"source\":\"home\",\"force\":\"true\"}")).isEqualTo(CommandParameters.reverse("home", true));
        assertThat(command("{\"source\":\"home\",\"force\":\"false\"}").force()).isFalse();
        assertThat(command("{\"newActive\":\"offsite\",\"onReturn\":\"true\"}"))
                .isEqualTo(CommandParameters.fence("offsite", true));
        assertThat(command("{}")).isEqualTo(CommandParameters.none());
        assertThat(command(null)).isEqualTo(CommandParameters.none());
    }

    @Test
    void writesTypedCommandParametersLeavingOutWhatACommandDoesNotUse() throws Exception {
        assertThat(EventJson.mapper().writeValueAsString(CommandParameters.plannedPromote("home")))
                .isEqualTo("{\"planned\":true,\"site\":\"home\"}");
        assertThat(EventJson.mapper().writeValueAsString(CommandParameters.reverse("home", false)))
                .isEqualTo("{\"source\":\"home\"}");
        assertThat(EventJson.mapper().writeValueAsString(CommandParameters.none())).isEqualTo("{}");
    }

    private CommandParameters command(String parameters) throws UnreadableEvent {
        String json = "{\"commandId\":\"c-1\",\"command\":\"PROMOTE\",\"epoch\":2,\"target\":\"link\","
                + "\"issuedBy\":\"failover\",\"reason\":\"test\",\"issuedAt\":\"2026-11-25T01:02:03Z\""
                + (parameters == null ? "" : ",\"parameters\":" + parameters) + "}";
        Event<?> event = reader.read(headers("lifeboat.command.issued.v1"), json.getBytes(StandardCharsets.UTF_8));
        return ((CommandIssued) event.payload()).parameters();
    }

    private void assertReason(RecordHeaders headers, byte[] value, String reason) {
        assertThatThrownBy(() -> reader.read(headers, value)).isInstanceOf(UnreadableEvent.class).hasMessageContaining(reason);
    }

    private static byte[] started() {
        try {
            return EventJson.mapper().writeValueAsBytes(new ServiceStarted("svc", "home", "i-1", "1.0", "abc", STARTED));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static RecordHeaders headers(String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.ID, "id-1".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SOURCE, "/lifeboat/test/home".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TIME, STARTED.toString().getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
