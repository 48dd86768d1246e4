package io.lifeboat.cli.args;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The commands, with the words {@code help} shows for each; the order here is the order there. */
public enum Command {
    STATUS("status", "", "active site, phase, epoch, paused or not, lag per link, current step", Kind.READ),
    HISTORY("history", "", "the DR history, newest first", Kind.READ),
    FAILOVER("failover", "[--force] REASON...",
            "move the service to the standby (force: past the lag bound, an inconsistent standby)", Kind.ACTION),
    APPROVE("approve", "REASON...", "approve the pending failover decision (or a held switchover)", Kind.ACTION),
    ABORT("abort", "REASON...", "drop a pending decision, or stop the runbook in progress", Kind.ACTION),
    FAILBACK("failback", "[--force] REASON...", "reverse replication, catch up, switch back home with zero loss",
            Kind.ACTION),
    RETRY("retry", "STEP REASON...", "retry the STUCK step", Kind.ACTION),
    SKIP("skip", "STEP REASON...", "skip the STUCK step (you did it by hand, or it does not matter)", Kind.ACTION),
    PAUSE("pause", "REASON...", "maintenance mode: no automatic failover or failback until resume", Kind.ACTION),
    RESUME("resume", "REASON...", "automatic decisions again", Kind.ACTION),
    COMPLETION("completion", "bash|zsh", "print a shell completion script: source <(lifeboat completion bash)",
            Kind.LOCAL),
    VERSION("version", "", "this CLI's version and commit", Kind.LOCAL),
    HELP("help", "", "this text", Kind.LOCAL);

    /** READ and ACTION talk to failover-service (and need its address and a token); LOCAL does not. */
    public enum Kind { READ, ACTION, LOCAL }

    private final String word;
    private final String synopsis;
    private final String description;
    private final Kind kind;

    Command(String word, String synopsis, String description, Kind kind) {
        this.word = word;
        this.synopsis = synopsis;
        this.description = description;
        this.kind = kind;
    }

    public String word() {
        return word;
    }

    public String synopsis() {
        return synopsis;
    }

    public String description() {
        return description;
    }

    public Kind kind() {
        return kind;
    }

    public boolean takesForce() {
        return this == FAILOVER || this == FAILBACK;
    }

    public boolean takesStep() {
        return this == RETRY || this == SKIP;
    }

    public static Optional<Command> of(String word) {
        return Arrays.stream(values()).filter(c -> c.word.equals(word)).findFirst();
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Command::word).toList();
    }
}
