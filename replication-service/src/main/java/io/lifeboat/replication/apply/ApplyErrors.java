package io.lifeboat.replication.apply;

import java.sql.SQLException;

/** Which failures pass (retried from the last commit) and which need a person; and their words. */
final class ApplyErrors {

    private ApplyErrors() {
    }

    static boolean isTransient(SQLException e) {
        if (e instanceof TableWriter.UnappliableChange) {
            return false;
        }
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
                || state.startsWith("40") || state.equals("55P03") || state.equals("25006");
    }

    /** The server's words and their detail ("Failing row contains ..."), with the SQLSTATE; never the statement. */
    static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String words = message.lines().map(String::trim).filter(l -> !l.startsWith("Where:")
                && !l.startsWith("Position:")).limit(2).collect(java.util.stream.Collectors.joining("; "));
        if (e instanceof SQLException sql && sql.getSQLState() != null) {
            return words + " (SQLSTATE " + sql.getSQLState() + ")";
        }
        return words;
    }
}
