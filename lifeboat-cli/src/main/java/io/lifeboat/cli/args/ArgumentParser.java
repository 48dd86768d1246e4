package io.lifeboat.cli.args;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a command line: the global options may stand anywhere on it ({@code --url}, {@code --token},
 * {@code --token-file}, {@code -o}, {@code --watch[=SECONDS]}), {@code --force} after failover/failback, and
 * {@code --} ends the options (for a reason that starts with a dash). Pure: no I/O.
 */
public final class ArgumentParser {

    public static final Duration DEFAULT_WATCH = Duration.ofSeconds(2);

    private ArgumentParser() {
    }

    public static Invocation parse(String... args) throws UsageError {
        Command command = null;
        List<String> words = new ArrayList<>();
        boolean force = false;
        Output output = Output.TEXT;
        Duration watch = null;
        String url = null;
        String token = null;
        String tokenFile = null;
        boolean options = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
            if (!options || !arg.startsWith("-") || arg.equals("-")) {
                if (command == null) {
                    command = Command.of(arg).orElseThrow(() -> new UsageError("unknown command '" + arg + "'"));
                } else {
                    words.add(arg);
                }
                continue;
            }
            switch (name) {
                case "--" -> options = false;
                case "--url" -> url = value(args, i, inline, name);
                case "--token" -> token = value(args, i, inline, name);
                case "--token-file" -> tokenFile = value(args, i, inline, name);
                case "-o", "--output" -> output = output(value(args, i, inline, name));
                case "--watch" -> watch = inline == null ? DEFAULT_WATCH : seconds(inline);
                case "--force" -> force = true;
                case "-h", "--help" -> command = Command.HELP;
                case "--version" -> command = Command.VERSION;
                default -> throw new UsageError("unknown option '" + name + "' (a reason that starts with '-' goes "
                        + "after --)");
            }
            if (inline == null && (name.equals("--url") || name.equals("--token") || name.equals("--token-file")
                    || name.equals("-o") || name.equals("--output"))) {
                i++;
            }
        }
        if (command == null) {
            throw new UsageError("a command is needed");
        }
        if (token != null && tokenFile != null) {
            throw new UsageError("--token or --token-file, not both");
        }
        check(command, words, force, watch);
        return new Invocation(command, words, force, output, watch, url, token, tokenFile);
    }

    private static void check(Command command, List<String> words, boolean force, Duration watch) throws UsageError {
        if (force && !command.takesForce()) {
            throw new UsageError("--force goes with failover and failback only");
        }
        if (watch != null && command.kind() != Command.Kind.READ) {
            throw new UsageError("--watch goes with status and history only");
        }
        switch (command.kind()) {
            case READ -> {
                if (watch != null && !words.isEmpty() && words.get(0).matches("\\d+")) {
                    throw new UsageError("--watch=SECONDS takes its value after '=' (got '" + words.get(0) + "')");
                }
                if (!words.isEmpty()) {
                    throw new UsageError(command.word() + " takes no arguments (got '" + String.join(" ", words) + "')");
                }
            }
            case ACTION -> {
                if (command.takesStep() && (words.isEmpty() || !words.get(0).matches("\\d{1,4}"))) {
                    throw new UsageError("lifeboat " + command.word() + " STEP REASON...: STEP is the step number "
                            + "(see lifeboat status)");
                }
                if (words.size() == (command.takesStep() ? 1 : 0)) {
                    throw new UsageError("a reason is required, e.g. lifeboat " + command.word()
                            + (command.takesStep() ? " " + words.get(0) : "") + " \"home lost power\"");
                }
            }
            case LOCAL -> {
                if (command == Command.COMPLETION && (words.size() != 1 || !List.of("bash", "zsh").contains(words.get(0)))) {
                    throw new UsageError("lifeboat completion bash|zsh");
                }
            }
        }
    }

    private static String value(String[] args, int i, String inline, String name) throws UsageError {
        if (inline != null) {
            return inline;
        }
        if (i + 1 >= args.length) {
            throw new UsageError(name + " needs a value");
        }
        return args[i + 1];
    }

    private static Output output(String value) throws UsageError {
        try {
            return Output.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageError("-o text or -o json (not '" + value + "')");
        }
    }

    private static Duration seconds(String value) throws UsageError {
        if (!value.matches("\\d{1,5}") || Integer.parseInt(value) == 0) {
            throw new UsageError("--watch=SECONDS: a whole number of seconds, at least 1 (not '" + value + "')");
        }
        return Duration.ofSeconds(Integer.parseInt(value));
    }
}
