package io.lifeboat.replication.compare;

/**
 * A range of primary keys in the table's own key order: keys above {@code after} (exclusive) up to {@code upTo}
 * (inclusive); null is unbounded on that side. The core never compares keys itself: each database does, in SQL, so
 * the order is always the one its primary-key index has.
 */
public record KeyRange<K>(K after, K upTo) {

    public static <K> KeyRange<K> all() {
        return new KeyRange<>(null, null);
    }
}
