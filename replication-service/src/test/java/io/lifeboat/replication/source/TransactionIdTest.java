package io.lifeboat.replication.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The source transaction id in Debezium's transaction events for PostgreSQL ({@code "775:34365024"}). */
class TransactionIdTest {

    @Test
    void theIdBeforeTheColonIsTheSourceTransaction() {
        assertThat(ChangeSource.xidOf("775:34365024")).isEqualTo(775);
        assertThat(ChangeSource.xidOf("775")).isEqualTo(775);
        assertThat(ChangeSource.xidOf(null)).isZero();
        assertThat(ChangeSource.xidOf("not-a-number:12")).isZero();
    }
}
