package io.lifeboat.cli.config;

import io.lifeboat.cli.args.UsageError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config file ({@code $LIFEBOAT_CONFIG}, else {@code ~/.config/lifeboat/config}): {@code key=value} lines,
 * {@code #} comments, blank lines; keys {@code url}, {@code token}, {@code token-file}. Pure: parses lines.
 */
public final class ConfigFile {

    public static final Set<String> KEYS = Set.of("url", "token", "token-file");

    private ConfigFile() {
    }

    /** @param name the file's name, for the messages */
    public static Map<String, String> parse(String name, List<String> lines) throws UsageError {
        Map<String, String> values = new LinkedHashMap<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(name + " line " + n + ": not key=value");
            }
            String key = line.substring(0, eq).strip();
            if (!KEYS.contains(key)) {
                throw new UsageError(name + " line " + n + ": unknown key '" + key + "' (url, token, token-file)");
            }
            values.put(key, line.substring(eq + 1).strip());
        }
        if (values.containsKey("token") && values.containsKey("token-file")) {
            throw new UsageError(name + ": token or token-file, not both");
        }
        return values;
    }
}
