package io.lifeboat.cli.shell;

import io.lifeboat.cli.args.Command;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The script in a real bash: what COMPREPLY holds after a TAB at the end of each line. */
    @Test
    void bashCompletesForReal() throws Exception {
        Path script = Files.createTempFile("lifeboat-completion", ".bash");
        Files.writeString(script, Completion.script("bash"));
        String probe = "source " + script + "\n"
                + "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _lifeboat; echo \"${COMPREPLY[*]}\"; }\n"
                + "t lifeboat pa; t lifeboat re; t lifeboat --url x completion ''; t lifeboat status -o ''; "
                + "t lifeboat -o json --tok; t lifeboat pause ''\n";
        Process bash;
        try {
            bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no bash here: " + e.getMessage());
            return;
        }
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).isZero();
        assertThat(output.lines()).containsExactly("pause", "retry resume", "bash zsh", "text json",
                "--token --token-file", "");
        Files.delete(script);
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
