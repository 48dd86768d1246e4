package io.lifeboat.filesync.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.lifeboat.filesync.mirror.MirrorDecision.Action;
import io.lifeboat.filesync.store.LifeboatMetadata;
import io.lifeboat.filesync.store.StoredObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Generated pairs of versions of one key at two sites (native uploads and Lifeboat's copies, with and without their
 * checksum and source ETag, at close times so that ties happen) against the mirror rules. Lifeboat's metadata is
 * truthful here (a copy's checksum and source ETag are those of its content), as Lifeboat writes it. The checks do
 * not ask the rules why: they look at the generated contents and origins.
 *
 * <p>That they catch wrong rules: {@link #theEchoPropertyCatchesAnEchoRuleForgottenForANewFile} shows it for the echo
 * rule; and with the conflict tie going to the larger site id and STALE also on equal origin times, both made by
 * hand in {@link MirrorRules}, {@code bothLinksPickTheSameWinner…} and {@code anOlderVersionNeverReplaces…} failed.
 */
class MirrorRulesPropertiesTest {

    static final MirrorRules RULES = new MirrorRules(".lifeboat-conflicts/");
    static final String KEY = "in/export.csv";
    static final Instant BASE = Instant.parse("2026-03-14T09:26:53Z");
    /** The contents a version may hold: two of them the same size, so that only a checksum tells them apart. */
    static final long[] SIZES = {0, 5, 5, 9};

    /** One version: its content (an index into {@link #SIZES}) and what the store says of it. */
    record Version(int content, StoredObject object) {
    }

    /** A key over one link: the versions at both ends (null: none there). */
    record Pair(String sourceSite, String targetSite, Version source, Version target) {
        MirrorFacts facts() {
            return new MirrorFacts(sourceSite, targetSite, Optional.ofNullable(source).map(Version::object),
                    Optional.ofNullable(target).map(Version::object), Optional.empty(), Optional.empty());
        }

        boolean bothThere() {
            return source != null && target != null;
        }
    }

    /** A decision reached as the worker reaches it: each checksum asked for is read from the true content. */
    record Settled(MirrorDecision decision, List<Action> asked) {
    }

    static Settled settle(Function<MirrorFacts, MirrorDecision> rules, Pair pair) {
        MirrorFacts facts = pair.facts();
        List<Action> asked = new ArrayList<>();
        MirrorDecision decision = rules.apply(facts);
        while (decision.action().needsChecksum()) {
            assertThat(asked).as("asked again for what it was given").doesNotContain(decision.action());
            asked.add(decision.action());
            facts = decision.action() == Action.NEEDS_SOURCE_CHECKSUM
                    ? facts.withSourceContentSha256(sha256(pair.source().content()))
                    : facts.withTargetContentSha256(sha256(pair.target().content()));
            decision = rules.apply(facts);
        }
        return new Settled(decision, asked);
    }

    static String sha256(int content) {
        return String.valueOf((char) ('a' + content)).repeat(64);
    }

    static String etag(int content) {
        return "e" + content;
    }

    static Arbitrary<Version> versions(String holder) {
        Arbitrary<Integer> content = Arbitraries.integers().between(0, SIZES.length - 1);
        // null: a native upload, without Lifeboat's metadata; else the origin a copy (or a copy come back) names.
        Arbitrary<String> origin = Arbitraries.of("home", "offsite").injectNull(0.4);
        Arbitrary<Integer> seconds = Arbitraries.integers().between(0, 2);
        Arbitrary<Boolean> withSha = Arbitraries.of(true, true, false);
        Arbitrary<Boolean> withSourceEtag = Arbitraries.of(true, false);
        return Combinators.combine(content, origin, seconds, seconds, withSha, withSourceEtag)
                .as((c, o, modified, written, sha, sourceEtag) -> {
                    Map<String, String> metadata = new HashMap<>();
                    if (o != null) {
                        metadata.put(LifeboatMetadata.ORIGIN_SITE, o);
                        metadata.put(LifeboatMetadata.ORIGIN_TIME, BASE.plusSeconds(written).toString());
                        if (sha) {
                            metadata.put(LifeboatMetadata.SHA256, sha256(c));
                        }
                        if (sourceEtag) {
                            metadata.put(LifeboatMetadata.SOURCE_ETAG, etag(c));
                        }
                    }
                    return new Version(c, new StoredObject(holder, KEY, SIZES[c], etag(c),
                            BASE.plusSeconds(modified), "text/csv", metadata));
                });
    }

    @Provide
    Arbitrary<Pair> pairs() {
        return Arbitraries.of(true, false).flatMap(fromHome -> {
            String from = fromHome ? "home" : "offsite";
            String to = fromHome ? "offsite" : "home";
            return Combinators.combine(versions(from).injectNull(0.1), versions(to).injectNull(0.3))
                    .as((source, target) -> new Pair(from, to, source, target));
        });
    }

    /** Both versions native (or naming their holder as origin): written at both sites. */
    @Provide
    Arbitrary<Pair> writtenAtBothSites() {
        return pairs().filter(p -> p.bothThere() && !p.source().object().isCopyFromElsewhere()
                && !p.target().object().isCopyFromElsewhere());
    }

    // The echo rule -----------------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void aCopyFromAnotherSiteIsNeverCopiedOn(@ForAll("pairs") Pair pair) {
        neverCopiesACopyOn(RULES::decide, pair);
    }

    static void neverCopiesACopyOn(Function<MirrorFacts, MirrorDecision> rules, Pair pair) {
        Settled settled = settle(rules, pair);
        if (pair.source() != null && !pair.source().object().originSite().equals(pair.sourceSite())) {
            assertThat(settled.decision().action()).as("%s", pair).isEqualTo(Action.ECHO);
            assertThat(settled.asked()).as("an echo is told by the metadata alone").isEmpty();
            assertThat(settled.decision().reason()).contains("echo").contains(pair.source().object().originSite());
        } else {
            assertThat(settled.decision().action()).as("%s", pair).isNotEqualTo(Action.ECHO);
        }
    }

    @Property(tries = 300)
    void anEventIsAnEchoExactlyWhenTheStoredVersionWouldBe(@ForAll("pairs") Pair pair) {
        if (pair.source() == null) {
            return;
        }
        String named = pair.source().object().metadata().get(LifeboatMetadata.ORIGIN_SITE);
        Optional<MirrorDecision> fromEvent = MirrorRules.echo(pair.sourceSite(), named);
        assertThat(fromEvent.isPresent()).isEqualTo(RULES.decide(pair.facts()).action() == Action.ECHO);
        fromEvent.ifPresent(echo -> assertThat(echo).isEqualTo(RULES.decide(pair.facts())));
    }

    /**
     * The property above catches a wrong echo rule: one forgotten where nothing is at the target yet (as it could be
     * while the worker had its echo check written twice, once for each path).
     */
    @Test
    void theEchoPropertyCatchesAnEchoRuleForgottenForANewFile() {
        List<Pair> samples = pairs().sampleStream().limit(2000).toList();
        Function<MirrorFacts, MirrorDecision> forgottenOnANewFile = facts -> facts.target().isEmpty()
                && facts.source().isPresent() ? new MirrorDecision(Action.COPY, "copied", null, null)
                : RULES.decide(facts);

        assertThatThrownBy(() -> samples.forEach(pair -> neverCopiesACopyOn(forgottenOnANewFile, pair)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ECHO");
        samples.forEach(pair -> neverCopiesACopyOn(RULES::decide, pair));
    }

    // Content -----------------------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void identicalContentIsNeverCopied(@ForAll("pairs") Pair pair) {
        if (pair.bothThere() && pair.source().content() == pair.target().content()) {
            Action action = settle(RULES::decide, pair).decision().action();
            assertThat(action).as("%s", pair).isIn(Action.IDENTICAL, Action.ECHO);
        }
    }

    @Property(tries = 1000)
    void differentContentIsNeverTakenForIdentical(@ForAll("pairs") Pair pair) {
        if (pair.bothThere() && pair.source().content() != pair.target().content()) {
            assertThat(settle(RULES::decide, pair).decision().action()).as("%s", pair).isNotEqualTo(Action.IDENTICAL);
        }
    }

    @Property(tries = 1000)
    void aChecksumIsReadOnlyWhereTheMetadataCannotTell(@ForAll("pairs") Pair pair) {
        Settled settled = settle(RULES::decide, pair);
        if (!pair.bothThere()) {
            assertThat(settled.asked()).isEmpty();
        } else if (pair.source().object().size() != pair.target().object().size()) {
            assertThat(settled.asked()).doesNotContain(Action.NEEDS_TARGET_CHECKSUM);
        }
        if (pair.source() != null && pair.source().object().sha256().isPresent()) {
            assertThat(settled.asked()).doesNotContain(Action.NEEDS_SOURCE_CHECKSUM);
        }
        if (settled.decision().action().writes() || settled.decision().action() == Action.STALE) {
            assertThat(settled.decision().sha256()).as("a copy is written with its checksum")
                    .isIn(pair.source().object().sha256().orElse(null), sha256(pair.source().content()));
        }
    }

    @Property(tries = 300)
    void nothingToCopyExactlyWhenTheSourceIsGone(@ForAll("pairs") Pair pair) {
        Action action = settle(RULES::decide, pair).decision().action();
        assertThat(action == Action.SOURCE_GONE).isEqualTo(pair.source() == null);
        if (pair.source() != null && pair.target() == null) {
            assertThat(action).isIn(Action.COPY, Action.ECHO);
        }
    }

    // Versions and conflicts --------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void anOlderVersionNeverReplacesANewerOneFromTheSameOrigin(@ForAll("pairs") Pair pair) {
        if (!pair.bothThere() || pair.source().content() == pair.target().content()
                || pair.source().object().isCopyFromElsewhere()) {
            return;
        }
        StoredObject source = pair.source().object();
        StoredObject target = pair.target().object();
        Action action = settle(RULES::decide, pair).decision().action();
        if (source.originSite().equals(target.originSite())) {
            assertThat(action).as("%s", pair)
                    .isEqualTo(target.originTime().isAfter(source.originTime()) ? Action.STALE : Action.REPLACE);
        } else {
            assertThat(action).as("%s", pair).isIn(Action.CONFLICT_SOURCE_WINS, Action.CONFLICT_SOURCE_LOSES);
        }
    }

    @Property(tries = 1000)
    void bothLinksPickTheSameWinnerAndKeepTheLoserUnderOneName(@ForAll("writtenAtBothSites") Pair pair) {
        if (pair.source().content() == pair.target().content()) {
            return;
        }
        Pair reverse = new Pair(pair.targetSite(), pair.sourceSite(), pair.target(), pair.source());
        MirrorDecision one = settle(RULES::decide, pair).decision();
        MirrorDecision other = settle(RULES::decide, reverse).decision();

        assertThat(List.of(one.action(), other.action())).as("%s", pair)
                .containsExactlyInAnyOrder(Action.CONFLICT_SOURCE_WINS, Action.CONFLICT_SOURCE_LOSES);
        assertThat(one.keptAs()).isEqualTo(other.keptAs()).startsWith(".lifeboat-conflicts/").endsWith("/" + KEY);
        StoredObject source = pair.source().object();
        StoredObject target = pair.target().object();
        boolean sourceNewer = source.originTime().isAfter(target.originTime())
                || source.originTime().equals(target.originTime())
                        && source.originSite().compareTo(target.originSite()) < 0;
        assertThat(one.action()).isEqualTo(sourceNewer ? Action.CONFLICT_SOURCE_WINS : Action.CONFLICT_SOURCE_LOSES);
        assertThat(one.reason()).contains("independently").contains("newer write wins").contains(one.keptAs());
    }

    @Property(tries = 300)
    void everyDecisionSaysWhy(@ForAll("pairs") Pair pair) {
        MirrorDecision decision = settle(RULES::decide, pair).decision();
        assertThat(decision.reason()).isNotBlank();
        assertThat(decision.keptAs() != null).isEqualTo(decision.action() == Action.CONFLICT_SOURCE_WINS
                || decision.action() == Action.CONFLICT_SOURCE_LOSES);
    }
}
