package io.lifeboat.cli;

/** The exit statuses, documented in {@code lifeboat help} and the README; scripts may rely on them. */
public enum ExitCode {
    OK(0, "done"),
    REFUSED(1, "the service refused or failed (its message on stderr)"),
    USAGE(2, "wrong usage or configuration"),
    UNREACHABLE(3, "cannot reach the service"),
    UNAUTHORISED(4, "not authorised (401: no known token; 403: a viewer token on an action)");

    private final int status;
    private final String meaning;

    ExitCode(int status, String meaning) {
        this.status = status;
        this.meaning = meaning;
    }

    public int status() {
        return status;
    }

    public String meaning() {
        return meaning;
    }

    /** What an HTTP answer of the service means for the exit status. */
    public static ExitCode of(int httpStatus) {
        if (httpStatus >= 200 && httpStatus < 300) {
            return OK;
        }
        return httpStatus == 401 || httpStatus == 403 ? UNAUTHORISED : REFUSED;
    }
}
