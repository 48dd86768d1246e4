package io.lifeboat.replication.apply;

import io.lifeboat.replication.db.SourcePosition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The applier's reading of Debezium's JSON envelope (streaming: only the row images become trees). */
class ChangeRecordTest {

    private static final String SOURCE = "\"source\":{\"version\":\"3.6.3.Final\",\"connector\":\"postgresql\","
            + "\"name\":\"lifeboat.cdc.main\",\"ts_ms\":1764043200123,\"snapshot\":\"false\",\"db\":\"portal\","
            + "\"sequence\":\"[\\\"24023128\\\",\\\"24023184\\\"]\",\"ts_us\":1764043200123456,"
            + "\"schema\":\"demo\",\"table\":\"customers\",\"txId\":771,\"lsn\":24023184,\"xmin\":null}";

    private static ChangeRecord parse(String key, String value) {
        return ChangeRecord.parse(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsAnInsertWithItsPosition() {
        ChangeRecord c = parse("{\"id\":7}", "{\"before\":null,\"after\":{\"id\":7,\"name\":\"Ann\",\"tags\":[\"a\"]},"
                + SOURCE + ",\"transaction\":null,\"op\":\"c\",\"ts_ms\":1764043200200}");
        assertThat(c.op()).isEqualTo(ChangeRecord.Op.UPSERT);
        assertThat(c.qualifiedTable()).isEqualTo("demo.customers");
        assertThat(c.after().get("name").textValue()).isEqualTo("Ann");
        assertThat(c.after().get("tags").get(0).textValue()).isEqualTo("a");
        assertThat(c.key().get("id").asLong()).isEqualTo(7);
        assertThat(c.position()).isEqualTo(new SourcePosition(24023128L, 24023184L, 771, 1764043200123L));
        assertThat(c.snapshot()).isFalse();
    }

    @Test
    void aNullCommitLsnInTheSequenceAndASnapshotRead() {
        String source = SOURCE.replace("[\\\"24023128\\\",", "[null,").replace("\"snapshot\":\"false\"", "\"snapshot\":\"last\"");
        ChangeRecord c = parse("{\"id\":7}", "{\"before\":null,\"after\":{\"id\":7}," + source + ",\"op\":\"r\"}");
        assertThat(c.position().commitLsn()).isZero();
        assertThat(c.position().lsn()).isEqualTo(24023184L);
        assertThat(c.snapshot()).isTrue();
    }

    @Test
    void deletesTruncatesAndTombstones() {
        ChangeRecord delete = parse("{\"id\":7}", "{\"before\":{\"id\":7},\"after\":null," + SOURCE + ",\"op\":\"d\"}");
        assertThat(delete.op()).isEqualTo(ChangeRecord.Op.DELETE);
        assertThat(delete.before().get("id").asInt()).isEqualTo(7);
        assertThat(parse(null, "{\"before\":null,\"after\":null," + SOURCE + ",\"op\":\"t\"}").op())
                .isEqualTo(ChangeRecord.Op.TRUNCATE);
        assertThat(parse("{\"id\":7}", null)).isNull();
    }

    @Test
    void whatIsNotAnEnvelopeIsRefusedWithTheReason() {
        assertThatThrownBy(() -> parse("{\"id\":1}", "{\"id\":\"x\",\"op\":\"x\"}"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("unknown op 'x'");
        assertThatThrownBy(() -> parse("{\"id\":1}", "{\"after\":{\"id\":1},\"op\":\"c\"}"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("no source.schema/source.table");
        assertThatThrownBy(() -> parse("{\"id\":1}", "{\"after\":null," + SOURCE + ",\"op\":\"u\"}"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("without an 'after' row");
        assertThatThrownBy(() -> parse(null, "{\"before\":null," + SOURCE + ",\"op\":\"d\"}"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("delete without a key");
        assertThatThrownBy(() -> parse("{\"id\":1}", "not json at all"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("not a Debezium JSON change event");
        assertThatThrownBy(() -> parse("{\"id\":1}", "[1,2]"))
                .isInstanceOf(ChangeRecord.MalformedChange.class).hasMessageContaining("unknown op ''");
    }
}
