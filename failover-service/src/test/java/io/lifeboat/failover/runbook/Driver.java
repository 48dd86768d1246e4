package io.lifeboat.failover.runbook;

import io.lifeboat.events.CommandFinished;
import io.lifeboat.events.CommandIssued;
import io.lifeboat.events.CommandOutcome;
import io.lifeboat.events.EventTypes;
import io.lifeboat.failover.decision.Context;
import io.lifeboat.failover.decision.Observations;
import io.lifeboat.failover.decision.Transition;
import io.lifeboat.failover.dns.DnsSwitcher;
import io.lifeboat.failover.dns.DnsTarget;
import io.lifeboat.failover.state.DrState;
import io.lifeboat.failover.state.Outgoing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Drives the pure runbook engine in unit tests, standing in for the other services (a configurable answer per
 * command) and for DNS (a recording fake). Integration tests use the real broker and the real BIND instead.
 */
public final class Driver {

    public final Map<String, CommandFinished> replies = new HashMap<>();
    public final List<CommandIssued> issued = new ArrayList<>();
    public final List<Outgoing<?>> sent = new ArrayList<>();
    public final List<String> dnsSwitches = new ArrayList<>();
    public Function<CommandIssued, CommandOutcome> answer = c -> CommandOutcome.DONE;
    /** The data-loss window a PROMOTE answers with (null: not known). */
    public Long promoteLoss = 400L;
    public boolean dnsWorks = true;
    /** Stands for DNS holding a newer epoch than any switch of the run. */
    public boolean dnsHoldsNewerEpoch = false;
    public final List<Long> dnsEpochs = new ArrayList<>();
    public final RunbookEngine engine;

    public Driver() {
        DnsSwitcher dns = new DnsSwitcher() {
            @Override
            public String describe() {
                return "fake";
            }

            @Override
            public String switchTo(DnsTarget target, long epoch) throws DnsException {
                if (!dnsWorks) {
                    throw new DnsException("REFUSED");
                }
                if (dnsHoldsNewerEpoch) {
                    throw new EpochRefusedException("DNS holds epoch " + (epoch + 1) + " (test)", epoch,
                            "\"epoch=" + (epoch + 1) + " active=home\"", "NXRRSET");
                }
                dnsSwitches.add(target.siteId());
                dnsEpochs.add(epoch);
                return "switched to " + target.siteId();
            }

            @Override
            public Verification verify(DnsTarget target, Duration timeout) {
                boolean ok = dnsWorks && !dnsSwitches.isEmpty() && dnsSwitches.get(dnsSwitches.size() - 1).equals(target.siteId());
                return new Verification(ok, ok ? "1/1 servers answer " + target.siteId() : "not switched", Map.of());
            }
        };
        engine = new RunbookEngine(dns, site -> new DnsTarget(site, List.of(site.equals("home") ? "127.0.0.11" : "127.0.0.12"), List.of()));
    }

    /** Advances until the engine waits; answers every new command at once (when {@code answer} gives an outcome). */
    public DrState run(DrState s, Observations obs, Context cx) {
        for (int i = 0; i < 100; i++) {
            Transition t = engine.advance(s, obs, replies::get, cx);
            sent.addAll(t.out());
            for (Outgoing<?> o : t.out()) {
                if (o.type() == EventTypes.COMMAND_ISSUED) {
                    CommandIssued c = (CommandIssued) o.payload();
                    issued.add(c);
                    CommandOutcome outcome = answer.apply(c);
                    if (outcome != null) {
                        boolean promoted = c.command().name().equals("PROMOTE") && outcome == CommandOutcome.DONE;
                        replies.put(c.commandId(), new CommandFinished(c.commandId(), c.command(), c.epoch(), c.target(),
                                outcome, outcome + " by the test", "test", Map.of(), cx.now(), promoted
                                        ? new io.lifeboat.events.PromotionResult(c.target(), false, "0/1A2B", null,
                                                promoteLoss, null, 0, false) : null));
                    }
                }
            }
            s = t.next();
            if (t.settled()) {
                return s;
            }
        }
        throw new AssertionError("the runbook did not settle in 100 moves");
    }
}
