package io.lifeboat.sandbox;

import io.lifeboat.sandbox.CommitLedger.Entry;
import io.lifeboat.sandbox.CommitLedger.Status;
import io.lifeboat.sandbox.LedgerCheck.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The sandbox test's "nothing lost" check can fail: a missing row and an invented row are both caught. */
class LedgerCheckTest {

    private static final Instant T = Instant.parse("2026-12-03T13:00:00Z");

    private static final List<Entry> LEDGER = List.of(
            new Entry(T, "home", 1, Status.COMMITTED),
            new Entry(T.plusSeconds(1), "home", 2, Status.COMMITTED),
            new Entry(T.plusSeconds(2), "home", 3, Status.IN_DOUBT),
            new Entry(T.plusSeconds(9), "home", 4, Status.COMMITTED), // inside the data-loss window
            new Entry(T.plusSeconds(20), "offsite", 4, Status.COMMITTED)); // the same id, written anew at offsite

    private static List<Entry> upTo(Instant cutoff) {
        return LEDGER.stream().filter(e -> e.site().equals("home") && !e.at().isAfter(cutoff)).toList();
    }

    @Test
    void aPromotedStandbyWithEveryRequiredRowAndNothingElsePasses() {
        Set<Row> standby = Set.of(new Row("home", 1), new Row("home", 2), new Row("offsite", 4));
        assertThat(LedgerCheck.check(upTo(T.plusSeconds(5)), LEDGER, standby).ok()).isTrue();
        // An in-doubt row, and one inside the window, may be there too.
        Set<Row> more = Set.of(new Row("home", 1), new Row("home", 2), new Row("home", 3), new Row("home", 4));
        assertThat(LedgerCheck.check(upTo(T.plusSeconds(5)), LEDGER, more).ok()).isTrue();
    }

    @Test
    void aMissingRowAndAnExtraRowAreBothCaught() {
        // Row 2 lost though committed before the window; home:5 never written (a torn or invented row).
        Set<Row> standby = Set.of(new Row("home", 1), new Row("home", 5), new Row("offsite", 4));
        LedgerCheck.Result result = LedgerCheck.check(upTo(T.plusSeconds(5)), LEDGER, standby);
        assertThat(result.ok()).isFalse();
        assertThat(result.missing()).containsExactly(new Row("home", 2));
        assertThat(result.extra()).containsExactly(new Row("home", 5));
        assertThat(result).hasToString("1 missing [home:2], 1 extra [home:5]");
    }

    @Test
    void aRowIsItsSiteAndItsIdSoAnIdReusedAtTheOtherSiteDoesNotHideALoss() {
        // home:1 lost, offsite wrote id 1 anew after the promotion: the id is there, the row is not.
        Set<Row> standby = Set.of(new Row("offsite", 1), new Row("home", 2));
        List<Entry> ledger = List.of(new Entry(T, "home", 1, Status.COMMITTED), new Entry(T, "home", 2, Status.COMMITTED),
                new Entry(T.plusSeconds(30), "offsite", 1, Status.COMMITTED));
        LedgerCheck.Result result = LedgerCheck.check(ledger.subList(0, 2), ledger, standby);
        assertThat(result.missing()).containsExactly(new Row("home", 1));
        assertThat(result.extra()).isEmpty();
    }

    @Test
    void theLedgerFileAndTheApiTextReadBackAsWritten(@TempDir Path dir) {
        CommitLedger ledger = new CommitLedger(dir.resolve("writer/committed.log"));
        ledger.record(LEDGER);
        assertThat(new CommitLedger(ledger.file()).entries(null, null)).isEqualTo(LEDGER);
        assertThat(ledger.entries("home", T.plusSeconds(2))).extracting(Entry::id).containsExactly(1L, 2L, 3L);
        String text = String.join("\n", ledger.entries(null, null).stream().map(Entry::line).toList());
        assertThat(LedgerCheck.parse(text)).isEqualTo(LEDGER);
    }
}
