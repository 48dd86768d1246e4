package io.lifeboat.heartbeat.verdict;

/** How many of the reporting observers must agree before a site is DOWN. */
public record Quorum(int fixed) {

    private static final int MAJORITY = 0;

    public static Quorum majority() {
        return new Quorum(MAJORITY);
    }

    public static Quorum atLeast(int observers) {
        if (observers < 1) {
            throw new IllegalArgumentException("a quorum needs at least one observer, was " + observers);
        }
        return new Quorum(observers);
    }

    /** {@code majority} or a positive number. */
    public static Quorum parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("majority")) {
            return majority();
        }
        try {
            return atLeast(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is neither 'majority' nor a number of observers");
        }
    }

    /**
     * Observers needed out of {@code reporting}. A fixed quorum larger than the observers reporting cannot be met:
     * fewer observers must never make DOWN easier.
     */
    public int required(int reporting) {
        return fixed == MAJORITY ? reporting / 2 + 1 : fixed;
    }

    @Override
    public String toString() {
        return fixed == MAJORITY ? "majority" : Integer.toString(fixed);
    }
}
