package io.lifeboat.replication.link;

import io.lifeboat.events.LinkState;
import io.lifeboat.replication.link.LinkRules.Decision;
import io.lifeboat.replication.link.LinkRules.Effect;
import io.lifeboat.replication.link.LinkRules.Input;
import io.lifeboat.replication.state.PersistedLink.Phase;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The link's rules over any state and any sequence of commands and events of its capture, applier and copy. */
class LinkRulesPropertiesTest {

    /** The rules as a function, so that a property can be shown to catch a wrong rule. */
    interface Rules {
        Decision on(LinkState state, String reason, Input input);
    }

    private static final Set<LinkState> HELD = EnumSet.of(LinkState.DRAINED, LinkState.PROMOTED, LinkState.REVERSING);

    @Property
    void aRefusedOrRepeatedCommandChangesNothing(@ForAll LinkState state, @ForAll("inputs") Input input) {
        Decision d = LinkRules.on(state, "before", input);
        if (d.refused() || d.repeat()) {
            assertThat(d.next()).isEqualTo(state);
            assertThat(d.persist()).isNull();
            assertThat(d.reason()).isEqualTo("before");
            assertThat(d.effects()).isEmpty();
        }
        assertThat(d.refused() ? d.refusal() : d.reason()).as("every decision says why").isNotBlank();
    }

    @Property
    void aDrainedPromotedOrReversingLinkNeverCapturesAgain(@ForAll("held") LinkState state,
            @ForAll("sequences") List<Input> inputs) {
        assertThat(captureStartedWhileHeld(LinkRules::on, state, inputs)).isEmpty();
    }

    /** The property above fails on a rule that lets a restart scheduled before a drain start capture after it. */
    @Test
    void theCapturePropertyCatchesARuleThatRestartsCaptureAfterADrain() {
        Rules wrong = (state, reason, input) -> input instanceof Input.CaptureStarts
                ? new Decision(state, null, EnumSet.of(Effect.START_CAPTURE), reason, null, false)
                : LinkRules.on(state, reason, input);
        assertThat(captureStartedWhileHeld(wrong, LinkState.DRAINED, List.of(new Input.CaptureStarts("home"))))
                .hasValueSatisfying(why -> assertThat(why).contains("DRAINED"));
    }

    @Property
    void aPromotedLinkIsLeftOnlyByReverse(@ForAll("commandsAndCaptureEvents") List<Input> inputs) {
        LinkState state = LinkState.PROMOTED;
        for (Input input : inputs) {
            Decision d = LinkRules.on(state, "r", input);
            if (d.next() != state) {
                assertThat(input).isInstanceOf(Input.Reverse.class);
                assertThat(d.next()).isEqualTo(LinkState.REVERSING);
                return;
            }
        }
    }

    @Property
    void whatIsStoredMatchesTheStateAfterwards(@ForAll LinkState state, @ForAll("inputs") Input input) {
        Decision d = LinkRules.on(state, "r", input);
        if (d.persist() == Phase.PAUSED) {
            assertThat(d.next()).isEqualTo(LinkState.PAUSED);
        } else if (d.persist() == Phase.DRAINED) {
            assertThat(d.next()).isEqualTo(LinkState.DRAINED);
        } else if (d.persist() == Phase.PROMOTED) {
            assertThat(d.next()).isEqualTo(LinkState.PROMOTED);
        } else if (d.persist() == Phase.RUNNING) {
            assertThat(d.next()).isNotIn(LinkState.PAUSED, LinkState.DRAINED, LinkState.PROMOTED);
        }
    }

    @Test
    void pauseAndResumeStoreTheirPhaseAndMoveTheApplier() {
        Decision paused = LinkRules.on(LinkState.STREAMING, "r", new Input.Pause("maintenance"));
        assertThat(paused.next()).isEqualTo(LinkState.PAUSED);
        assertThat(paused.persist()).isEqualTo(Phase.PAUSED);
        assertThat(paused.effects()).containsExactly(Effect.PAUSE_APPLY);
        Decision resumed = LinkRules.on(LinkState.PAUSED, "maintenance", new Input.Resume("done"));
        assertThat(resumed.next()).isEqualTo(LinkState.STREAMING);
        assertThat(resumed.persist()).isEqualTo(Phase.RUNNING);
        assertThat(resumed.effects()).containsExactly(Effect.RESUME_APPLY);
        assertThat(LinkRules.on(LinkState.STREAMING, "r", new Input.Resume("x")).refusal())
                .isEqualTo("is STREAMING, not PAUSED");
    }

    @Test
    void aDrainShortOfTheSourcesEndIsDrainedAgainOnlyWhenThePromotionIsPlanned() {
        Input.Drain planned = new Input.Drain("switchover", true, false, "home");
        Input.Drain unplanned = new Input.Drain("disaster", false, false, "home");
        Decision again = LinkRules.on(LinkState.DRAINED, "short", planned);
        assertThat(again.next()).isEqualTo(LinkState.DRAINING);
        assertThat(again.effects()).containsExactly(Effect.START_CAPTURE);
        assertThat(again.reason()).contains("short").contains("home");
        assertThat(LinkRules.on(LinkState.DRAINED, "short", unplanned).repeat()).isTrue();
        assertThat(LinkRules.on(LinkState.DRAINED, "done", new Input.Drain("s", true, true, "home")).repeat()).isTrue();
    }

    /** Runs the inputs from a held state; says which input started capture while the link was still held. */
    static Optional<String> captureStartedWhileHeld(Rules rules, LinkState start, List<Input> inputs) {
        LinkState state = start;
        String reason = "held";
        for (Input input : inputs) {
            if (input instanceof Input.Drain || input instanceof Input.Reversed || input instanceof Input.Restored
                    || input instanceof Input.Resume || input instanceof Input.Gap || input instanceof Input.TableStopped
                    || input instanceof Input.Resync || input instanceof Input.CopyingAfterReverse) {
                return Optional.empty(); // a command or fact that moves the link on: it is no longer held by the last
            }
            Decision d = rules.on(state, reason, input);
            boolean starts = d.does(Effect.START_CAPTURE) || d.does(Effect.RESTART_CAPTURE_LATER);
            if (HELD.contains(state) && starts) {
                return Optional.of(input + " started capture in " + state);
            }
            state = d.next();
            reason = d.reason();
        }
        return Optional.empty();
    }

    @Provide
    Arbitrary<LinkState> held() {
        return Arbitraries.of(HELD);
    }

    @Provide
    Arbitrary<List<Input>> sequences() {
        return inputs().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Input>> commandsAndCaptureEvents() {
        return Arbitraries.<Input>oneOf(List.of(
                Arbitraries.<Input>of(new Input.Pause("p"), new Input.Resume("r"), new Input.Produced("slot"),
                        new Input.CaptureStarts("home"), new Input.CaptureStopped(), new Input.CopyStarts(2, "home"),
                        new Input.CopyDone(2, "slot"), new Input.Note("n")),
                Arbitraries.of(true, false).map(b -> (Input) new Input.Drain("d", b, !b, "home")),
                Arbitraries.of("home", "offsite").map(s -> (Input) new Input.Reverse("failback", s, "home"))))
                .list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<Input> inputs() {
        return Arbitraries.<Input>oneOf(List.of(
                Arbitraries.of(Phase.values()).map(p -> (Input) new Input.Restored(p, "topic")),
                Arbitraries.<Input>of(new Input.Note("n"), new Input.Pause("p"), new Input.Resume("r"),
                        new Input.Drained("d"), new Input.DrainAgainFailed("e"), new Input.PromotionRefused("no"),
                        new Input.Promoted("yes"), new Input.ReverseDidNotRun("e"), new Input.Reversed("a", "b"),
                        new Input.CopyingAfterReverse("a", "b", 3, "q"), new Input.Resync(),
                        new Input.CaptureStarts("home"), new Input.Produced("slot"), new Input.CaptureStopped(),
                        new Input.TableStopped("t"), new Input.TableResumed("t"), new Input.Gap("g"),
                        new Input.CopyStarts(1, "home"), new Input.CopyDone(1, "slot"), new Input.CannotRun("c")),
                Arbitraries.of(true, false).flatMap(a -> Arbitraries.of(true, false)
                        .map(b -> (Input) new Input.Drain("d", a, b, "home"))),
                Arbitraries.of("home", "offsite").map(s -> (Input) new Input.Reverse("f", s, "home"))));
    }
}
