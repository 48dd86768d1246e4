package io.lifeboat.cli.shell;

import io.lifeboat.cli.args.Command;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionTest {

    @Test
    void bashCompletesEveryCommandAndOption() {
        String script = Completion.script("bash");
        assertThat(script).contains("complete -F _lifeboat lifeboat").contains(Completion.OPTIONS)
                .contains("compgen -W \"text json\"").contains("compgen -W \"bash zsh\"");
        for (String word : Command.words()) {
            assertThat(script).containsPattern("compgen -W \"[^\"]*\\b" + word + "\\b");
        }
    }

    @Test
    void zshDescribesEveryCommand() {
        String script = Completion.script("zsh");
        assertThat(script).startsWith("#compdef lifeboat").contains("compdef _lifeboat lifeboat")
                .contains("'pause:maintenance mode\\: no automatic failover or failback until resume'");
        for (Command c : Command.values()) {
            assertThat(script).contains("'" + c.word() + ":");
        }
    }

    @Test
    void otherShellsAreRefused() {
        assertThatThrownBy(() -> Completion.script("fish")).hasMessageContaining("no completion for fish");
    }

    @Test
    void helpListsEveryCommandAndTheExitCodes() {
        String help = Help.text();
        for (Command c : Command.values()) {
            assertThat(help).contains("  " + c.word());
        }
        assertThat(help).contains("LIFEBOAT_FAILOVER_URL").contains("~/.config/lifeboat/config")
                .contains("  3  cannot reach the service");
    }
}
