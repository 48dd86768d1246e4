package io.lifeboat.cli.args;

import java.time.Duration;
import java.util.List;

/**
 * One command line, parsed.
 *
 * @param words     what follows the command: the reason's words, a step number first for retry/skip, the shell
 *                  for completion
 * @param watch     how often to redraw (status, history), or null: once
 * @param url       {@code --url}, or null
 * @param token     {@code --token}, or null; never printed (see {@link #toString()})
 * @param tokenFile {@code --token-file}, or null
 */
public record Invocation(Command command, List<String> words, boolean force, Output output, Duration watch,
        String url, String token, String tokenFile) {

    public Invocation {
        words = List.copyOf(words);
    }

    /** The words joined: the reason of an action (after the step number for retry/skip). */
    public String reason() {
        return String.join(" ", command.takesStep() ? words.subList(1, words.size()) : words);
    }

    public int step() {
        return Integer.parseInt(words.get(0));
    }

    @Override
    public String toString() {
        return "Invocation[" + command + " " + words + (force ? " --force" : "") + " -o " + output
                + (watch == null ? "" : " --watch=" + watch.toSeconds()) + (url == null ? "" : " --url " + url)
                + (token == null ? "" : " --token (given)") + (tokenFile == null ? "" : " --token-file " + tokenFile)
                + "]";
    }
}
