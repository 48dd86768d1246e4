package io.lifeboat.events.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The outbox's retry after a batch the broker took in part ({@link EventOutbox#toRetry}): on the topic, what a reader
 * that keeps each key's latest event sees last is, for every key, the service's own last event of that key, and
 * every event is there. The topic is simulated: the taken events in order, then the retry, taken whole.
 */
class EventOutboxRetryPropertiesTest {

    record Sent(int seq, String key) {
    }

    @Property(tries = 500)
    void eachKeysLastEventIsLastOnTheTopicAndNoneIsLost(@ForAll("batches") List<Sent> batch,
            @ForAll("refusals") List<Boolean> refusals) {
        boolean[] refused = new boolean[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            refused[i] = refusals.get(i % refusals.size());
        }
        List<Sent> topic = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (!refused[i]) {
                topic.add(batch.get(i));
            }
        }
        topic.addAll(EventOutbox.toRetry(batch, refused, Sent::key));

        assertThat(topic).containsAll(batch);
        assertThat(lastByKey(topic)).isEqualTo(lastByKey(batch));
    }

    @Example
    void aTakenEventBehindARefusedOneOfItsKeyIsSentAgainAndOthersAreNot() {
        List<Sent> batch = List.of(new Sent(1, "a"), new Sent(2, "b"), new Sent(3, "a"), new Sent(4, "b"));
        assertThat(EventOutbox.toRetry(batch, new boolean[] {true, false, false, false}, Sent::key))
                .containsExactly(new Sent(1, "a"), new Sent(3, "a"));
    }

    private static Map<String, Integer> lastByKey(List<Sent> events) {
        Map<String, Integer> last = new LinkedHashMap<>();
        events.forEach(e -> last.put(e.key(), e.seq()));
        return new java.util.TreeMap<>(last);
    }

    @Provide
    Arbitrary<List<Sent>> batches() {
        return Arbitraries.of("a", "b", "c").list().ofMinSize(1).ofMaxSize(30).map(keys -> {
            List<Sent> batch = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                batch.add(new Sent(i, keys.get(i)));
            }
            return batch;
        });
    }

    @Provide
    Arbitrary<List<Boolean>> refusals() {
        return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(30);
    }
}
