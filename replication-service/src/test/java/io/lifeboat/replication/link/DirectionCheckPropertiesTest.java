package io.lifeboat.replication.link;

import io.lifeboat.events.fence.SiteRole;
import io.lifeboat.replication.state.PersistedLink;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule that keeps a link with a stale or lost record from guarding and overwriting the live database. */
class DirectionCheckPropertiesTest {

    @Provide
    Arbitrary<Optional<SiteRole.Stored>> records() {
        Arbitrary<SiteRole.Stored> stored = Combinators.combine(Arbitraries.of(SiteRole.Role.class),
                Arbitraries.longs().between(-1, 20)).as((role, epoch) -> new SiteRole.Stored(role, epoch, "why",
                Instant.EPOCH));
        return stored.optional(0.8);
    }

    @Property
    void aTargetThatSaysActiveStopsEveryLinkThatIsNotPromoted(@ForAll PersistedLink.Phase phase,
            @ForAll("records") Optional<SiteRole.Stored> source, @ForAll("records") Optional<SiteRole.Stored> target,
            @ForAll long epoch) {
        Optional<String> refusal = DirectionCheck.contradiction("home", "offsite", phase, epoch, source, target);
        boolean targetActive = target.map(t -> t.role() == SiteRole.Role.ACTIVE).orElse(false);
        if (targetActive && phase != PersistedLink.Phase.PROMOTED) {
            assertThat(refusal).get().asString().contains("target database at offsite says it is ACTIVE");
        }
        if (phase == PersistedLink.Phase.PROMOTED) {
            assertThat(refusal).isEmpty();
        }
    }

    @Property
    void databasesWithoutARecordContradictNothing(@ForAll PersistedLink.Phase phase, @ForAll long epoch) {
        assertThat(DirectionCheck.contradiction("home", "offsite", phase, epoch, Optional.empty(), Optional.empty()))
                .isEmpty();
    }

    @Property
    void aSourceIsRefusedOnlyWhenItIsAStandbyOrFencedAfterTheRecord(@ForAll("records") Optional<SiteRole.Stored> source,
            @ForAll long epoch) {
        Optional<String> refusal = DirectionCheck.contradiction("home", "offsite", PersistedLink.Phase.RUNNING, epoch,
                source, Optional.empty());
        boolean expected = source.map(s -> s.role() == SiteRole.Role.STANDBY
                || s.role() == SiteRole.Role.FENCED && s.epoch() > epoch).orElse(false);
        assertThat(refusal.isPresent()).isEqualTo(expected);
        refusal.ifPresent(r -> assertThat(r).contains("source database at home says it is " + source.get().role()));
    }

    @Example
    void theNormalLifeOfALinkContradictsNothing() {
        // FENCE home at 5 (the link admitted epoch 5), PROMOTE offsite at 5: the link is PROMOTED.
        assertThat(DirectionCheck.contradiction("home", "offsite", PersistedLink.Phase.RUNNING, 5,
                stored(SiteRole.Role.FENCED, 5), Optional.empty())).isEmpty();
        assertThat(DirectionCheck.contradiction("home", "offsite", PersistedLink.Phase.PROMOTED, 5,
                stored(SiteRole.Role.FENCED, 5), stored(SiteRole.Role.ACTIVE, 5))).isEmpty();
        // REVERSE at 6: offsite → home.
        assertThat(DirectionCheck.contradiction("offsite", "home", PersistedLink.Phase.RUNNING, 6,
                stored(SiteRole.Role.ACTIVE, 6), stored(SiteRole.Role.STANDBY, 6))).isEmpty();
        // Its record lost: the link would run home → offsite as configured, against a live offsite.
        assertThat(DirectionCheck.contradiction("home", "offsite", PersistedLink.Phase.RUNNING, -1,
                stored(SiteRole.Role.STANDBY, 6), stored(SiteRole.Role.ACTIVE, 6))).get().asString()
                .contains("target database at offsite says it is ACTIVE at epoch 6")
                .contains("the link's stored record says home → offsite, RUNNING, epoch -1");
    }

    private static Optional<SiteRole.Stored> stored(SiteRole.Role role, long epoch) {
        return Optional.of(new SiteRole.Stored(role, epoch, "why", Instant.EPOCH));
    }
}
