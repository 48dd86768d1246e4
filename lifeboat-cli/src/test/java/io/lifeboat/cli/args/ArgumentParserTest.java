package io.lifeboat.cli.args;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentParserTest {

    @Test
    void globalOptionsStandAnywhereOnTheLine() throws UsageError {
        Invocation inv = ArgumentParser.parse("-o", "json", "failover", "home", "--url", "http://dr:8084", "lost",
                "--force", "--token=t0k3n", "power");
        assertThat(inv.command()).isEqualTo(Command.FAILOVER);
        assertThat(inv.reason()).isEqualTo("home lost power");
        assertThat(inv.force()).isTrue();
        assertThat(inv.output()).isEqualTo(Output.JSON);
        assertThat(inv.url()).isEqualTo("http://dr:8084");
        assertThat(inv.token()).isEqualTo("t0k3n");
        assertThat(inv.toString()).doesNotContain("t0k3n");
    }

    @Test
    void watchTakesItsSecondsAfterAnEqualsSign() throws UsageError {
        assertThat(ArgumentParser.parse("status", "--watch").watch()).isEqualTo(ArgumentParser.DEFAULT_WATCH);
        assertThat(ArgumentParser.parse("--watch=5", "history").watch()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ArgumentParser.parse("status").watch()).isNull();
        assertUsage("--watch goes with status and history only", "approve", "ok", "--watch");
        assertUsage("--watch=SECONDS", "status", "--watch=0");
        assertUsage("--watch=SECONDS", "status", "--watch=soon");
        assertUsage("--watch=SECONDS takes its value after '=' (got '5')", "status", "--watch", "5");
    }

    @Test
    void retryAndSkipTakeAStepNumberThenAReason() throws UsageError {
        Invocation retry = ArgumentParser.parse("retry", "6", "DBA", "lifted", "the", "lock");
        assertThat(retry.step()).isEqualTo(6);
        assertThat(retry.reason()).isEqualTo("DBA lifted the lock");
        assertUsage("STEP is the step number", "retry", "x");
        assertUsage("a reason is required, e.g. lifeboat skip 5", "skip", "5");
    }

    @Test
    void actionsNeedAReasonAndReadsTakeNoArguments() {
        assertUsage("a reason is required, e.g. lifeboat pause", "pause");
        assertUsage("a reason is required", "resume", "-o", "json");
        assertUsage("status takes no arguments", "status", "now");
        assertUsage("--force goes with failover and failback only", "approve", "--force", "go");
    }

    @Test
    void aReasonThatStartsWithADashGoesAfterTheDoubleDash() throws UsageError {
        assertUsage("unknown option '-x'", "pause", "-x");
        assertThat(ArgumentParser.parse("pause", "--", "-x", "--force").reason()).isEqualTo("-x --force");
        assertThat(ArgumentParser.parse("pause", "--", "-x").force()).isFalse();
    }

    @Test
    void optionsCheckTheirValues() {
        assertUsage("-o text or -o json (not 'yaml')", "status", "-o", "yaml");
        assertUsage("--url needs a value", "status", "--url");
        assertUsage("--token or --token-file, not both", "status", "--token", "a", "--token-file", "f");
        assertUsage("unknown command 'stauts'", "stauts");
        assertUsage("a command is needed");
        assertUsage("a command is needed", "--url", "http://x");
    }

    @Test
    void helpVersionAndCompletion() throws UsageError {
        assertThat(ArgumentParser.parse("--help").command()).isEqualTo(Command.HELP);
        assertThat(ArgumentParser.parse("-h").command()).isEqualTo(Command.HELP);
        assertThat(ArgumentParser.parse("help").command()).isEqualTo(Command.HELP);
        assertThat(ArgumentParser.parse("--version").command()).isEqualTo(Command.VERSION);
        assertThat(ArgumentParser.parse("completion", "zsh").words()).containsExactly("zsh");
        assertUsage("lifeboat completion bash|zsh", "completion", "fish");
        assertUsage("lifeboat completion bash|zsh", "completion");
    }

    private static void assertUsage(String message, String... args) {
        assertThatThrownBy(() -> ArgumentParser.parse(args)).isInstanceOf(UsageError.class)
                .hasMessageContaining(message);
    }
}
