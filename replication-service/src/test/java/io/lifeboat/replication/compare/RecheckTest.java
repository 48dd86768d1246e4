package io.lifeboat.replication.compare;

import org.junit.jupiter.api.Test;

import static io.lifeboat.replication.compare.Recheck.Verdict.AGAIN;
import static io.lifeboat.replication.compare.Recheck.Verdict.DIFFERS;
import static io.lifeboat.replication.compare.Recheck.Verdict.MOVING;
import static io.lifeboat.replication.compare.Recheck.Verdict.SAME;
import static io.lifeboat.replication.compare.Recheck.verdict;
import static org.assertj.core.api.Assertions.assertThat;

/** The recheck's rule for one key in one round (Recheck's comment gives the why). */
class RecheckTest {

    @Test
    void aRowTheSourceHasIsDecidedAtOnce() {
        assertThat(verdict("h1", "h1", true)).isEqualTo(SAME);
        assertThat(verdict("h1", "h2", true)).isEqualTo(DIFFERS); // changed at the standby
        assertThat(verdict("h1", null, true)).isEqualTo(DIFFERS); // deleted at the standby
    }

    @Test
    void aKeyOnlyTheStandbyHasIsReadAgainUnlessTheSourceGainedIt() {
        assertThat(verdict(null, "h1", false)).isEqualTo(AGAIN); // extra at the standby, or deleted and re-added
        assertThat(verdict(null, "h1", true)).isEqualTo(MOVING); // inserted at the source meanwhile
        assertThat(verdict(null, null, true)).isEqualTo(MOVING);
        assertThat(verdict(null, null, false)).isEqualTo(SAME); // deleted at the source, and applied
    }
}
