package io.lifeboat.heartbeat.config;

import java.util.ArrayList;
import java.util.List;

/** Accepted HTTP status codes, written like {@code 200-299} or {@code 200,204,300-399}. */
public record StatusRange(List<int[]> ranges, String text) {

    public static StatusRange parse(String text) {
        List<int[]> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            String[] bounds = p.split("-", 2);
            int low = code(bounds[0], text);
            int high = bounds.length == 2 ? code(bounds[1], text) : low;
            if (low > high) {
                throw new IllegalArgumentException("'" + p + "' is an empty range");
            }
            ranges.add(new int[] {low, high});
        }
        return new StatusRange(List.copyOf(ranges), text.trim());
    }

    public boolean accepts(int status) {
        return ranges.stream().anyMatch(r -> status >= r[0] && status <= r[1]);
    }

    private static int code(String s, String whole) {
        try {
            int code = Integer.parseInt(s.trim());
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("'" + s.trim() + "' is not an HTTP status code");
            }
            return code;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + whole + "' is not a status list such as 200-299 or 200,204");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
