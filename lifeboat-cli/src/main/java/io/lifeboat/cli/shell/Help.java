package io.lifeboat.cli.shell;

import io.lifeboat.cli.ExitCode;
import io.lifeboat.cli.args.Command;

import java.util.Locale;

/** {@code lifeboat help}: the commands, the options, where the address and token come from, the exit codes. */
public final class Help {

    private Help() {
    }

    public static String text() {
        StringBuilder out = new StringBuilder("usage: lifeboat <command> [arguments] [options]\n\ncommands:\n");
        for (Command c : Command.values()) {
            String head = c.word() + (c.synopsis().isEmpty() ? "" : " " + c.synopsis());
            out.append(String.format(Locale.ROOT, "  %-32s %s%n", head, c.description()));
        }
        out.append("""

                options (anywhere on the line; -- ends them, for a reason that starts with '-'):
                  --url URL            failover-service's API (default http://localhost:8084)
                  --token TOKEN        a viewer (reads) or operator (reads and acts) token
                  --token-file FILE    the token, from the first line of FILE
                  -o text|json         json: the service's JSON, one document per line, nothing else on stdout
                  --watch[=SECONDS]    status, history: redraw every SECONDS (2) until Ctrl-C
                  --force              failover, failback: go ahead past the conditions that would refuse it

                address and token, the first that has them: the options; the environment (LIFEBOAT_FAILOVER_URL,
                LIFEBOAT_API_TOKEN); the config file $LIFEBOAT_CONFIG, else ~/.config/lifeboat/config, with
                key=value lines url=, token= or token-file=. The token is never printed.

                exit status:
                """);
        for (ExitCode code : ExitCode.values()) {
            out.append(String.format(Locale.ROOT, "  %d  %s%n", code.status(), code.meaning()));
        }
        out.append("data goes to stdout; errors and diagnostics to stderr.\n");
        return out.toString();
    }
}
