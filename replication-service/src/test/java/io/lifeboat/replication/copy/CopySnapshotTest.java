package io.lifeboat.replication.copy;

import io.lifeboat.events.Consistency;
import io.lifeboat.replication.apply.ConsistencyRule;
import io.lifeboat.replication.apply.Unappliable;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The copy's one rule (visible in the snapshot: in the copy) and the consistency verdict built on it. */
class CopySnapshotTest {

    @Test
    void aTransactionIsInTheCopyExactlyWhenTheSnapshotSeesIt() {
        CopySnapshot s = CopySnapshot.parse("100:110:103,107", 5000);
        assertThat(s.visible(99)).as("committed before every running one").isTrue();
        assertThat(s.visible(100)).as("not listed as running").isTrue();
        assertThat(s.visible(103)).as("running when the snapshot was taken").isFalse();
        assertThat(s.visible(105)).isTrue();
        assertThat(s.visible(107)).isFalse();
        assertThat(s.visible(110)).as("started after").isFalse();
        assertThat(s.visible(5000)).isFalse();
        assertThat(CopySnapshot.parse(s.text(), 5000)).isEqualTo(s);
    }

    @Test
    void thirtyTwoBitIdsFromDecodingAreWidenedAgainstTheSnapshotsEpoch() {
        long epoch = 3L << 32;
        CopySnapshot s = CopySnapshot.parse((epoch + 10) + ":" + (epoch + 20) + ":", 1);
        assertThat(s.visible(5)).isTrue();
        assertThat(s.visible(25)).isFalse();
        // Just before the epoch turned: a 32-bit id near the top belongs to the previous epoch, long committed.
        assertThat(s.visible(0xFFFF_FFF0L)).isTrue();
    }

    @Test
    void consistentOnlyWhenEveryTableIsCopiedTheStreamPassedTheLastCopyAndNothingIsStoppedOrLost() {
        CopySnapshot at = CopySnapshot.parse("100:100:", 5000);
        List<CopyStore.TableCopy> copied = List.of(new CopyStore.TableCopy("a.x", at, 1, 1),
                new CopyStore.TableCopy("a.y", at, 1, 1));
        List<CopyStore.TableCopy> half = List.of(new CopyStore.TableCopy("a.x", at, 1, 1),
                new CopyStore.TableCopy("a.y", null, 0, 0));
        assertThat(ConsistencyRule.of(copied, null, null, 6000).state()).isEqualTo(Consistency.CONSISTENT);
        assertThat(ConsistencyRule.of(half, null, null, 6000).reason())
                .isEqualTo("standby copy incomplete: 1 of 2 tables copied");
        assertThat(ConsistencyRule.of(copied, null, null, 4000).state()).as("catching up to the copy's snapshot")
                .isEqualTo(Consistency.COPYING);
        Unappliable stopped = new Unappliable("a.x", "t", 0, 7, "{}", "refused", Instant.now());
        assertThat(ConsistencyRule.of(copied, null, stopped, 6000).state()).isEqualTo(Consistency.TABLE_STOPPED);
        assertThat(ConsistencyRule.of(copied, "offsets deleted", stopped, 6000).state()).isEqualTo(Consistency.GAP);
    }
}
