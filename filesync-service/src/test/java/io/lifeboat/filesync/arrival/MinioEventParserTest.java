package io.lifeboat.filesync.arrival;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class MinioEventParserTest {

    static final String PUT = """
            {"EventName":"s3:ObjectCreated:Put","Key":"exports/in/a b+c.csv","Records":[{"eventVersion":"2.0",
            "eventSource":"minio:s3","awsRegion":"","eventTime":"2026-03-14T09:26:53.589Z",
            "eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},"requestParameters":{},
            "responseElements":{},"s3":{"s3SchemaVersion":"1.0","configurationId":"Config",
            "bucket":{"name":"exports","ownerIdentity":{"principalId":"minio"},"arn":"arn:aws:s3:::exports"},
            "object":{"key":"in%2Fa+b%2Bc.csv","size":123,"eTag":"d41d8cd98f00b204e9800998ecf8427e",
            "contentType":"text/csv","userMetadata":{"content-type":"text/csv",
            "X-Amz-Meta-Lifeboat-Origin-Site":"offsite"},"sequencer":"17A"}},"source":{"host":"","port":"",
            "userAgent":""}}]}""";

    @Test
    void readsCreatedObjectsWithDecodedKeysAndLifeboatMetadata() throws Exception {
        List<ObjectChange> changes = MinioEventParser.parse("home", PUT.getBytes(StandardCharsets.UTF_8));
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.change()).isEqualTo(ObjectChange.Change.CREATED);
            assertThat(c.siteId()).isEqualTo("home");
            assertThat(c.bucket()).isEqualTo("exports");
            assertThat(c.key()).isEqualTo("in/a b+c.csv");
            assertThat(c.size()).isEqualTo(123);
            assertThat(c.originSite()).isEqualTo("offsite");
            assertThat(c.occurredAt()).hasToString("2026-03-14T09:26:53.589Z");
        });
    }

    @Test
    void readsRemovals() throws Exception {
        String delete = PUT.replace("s3:ObjectCreated:Put", "s3:ObjectRemoved:Delete");
        assertThat(MinioEventParser.parse("home", delete.getBytes(StandardCharsets.UTF_8)))
                .singleElement().extracting(ObjectChange::change).isEqualTo(ObjectChange.Change.REMOVED);
    }

    @Test
    void refusesWhatItCannotReadSayingWhy() {
        assertThatThrownBy(() -> parse("{")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> parse("{\"Records\":[]}")).hasMessageContaining("no Records[]");
        assertThatThrownBy(() -> parse(PUT.replace("s3:ObjectCreated:Put", "s3:ObjectAccessed:Get")))
                .hasMessageContaining("'s3:ObjectAccessed:Get' is not one filesync handles");
        assertThatThrownBy(() -> parse(PUT.replace("\"size\":123", "\"size\":\"big\"")))
                .hasMessageContaining("Records[0].s3.object.size");
        assertThatThrownBy(() -> parse(PUT.replace("\"name\":\"exports\"", "\"name\":\"\"")))
                .hasMessageContaining("Records[0].s3.bucket.name is missing");
        assertThatThrownBy(() -> parse(PUT.replace("2026-03-14T09:26:53.589Z", "yesterday")))
                .hasMessageContaining("eventTime");
        assertThatThrownBy(() -> MinioEventParser.parse("home", null)).hasMessageContaining("empty");
    }

    private static List<ObjectChange> parse(String json) throws MalformedNotification {
        return MinioEventParser.parse("home", json.getBytes(StandardCharsets.UTF_8));
    }
}
