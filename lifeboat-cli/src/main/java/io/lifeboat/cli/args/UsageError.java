package io.lifeboat.cli.args;

/** The command line (or the configuration) cannot be used as given: exit status 2, the problem on stderr. */
public final class UsageError extends Exception {

    public UsageError(String message) {
        super(message);
    }
}
