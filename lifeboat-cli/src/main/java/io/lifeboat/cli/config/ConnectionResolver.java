package io.lifeboat.cli.config;

import io.lifeboat.cli.args.Invocation;
import io.lifeboat.cli.args.UsageError;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The address and token, each from the first place that has it: flags ({@code --url}, {@code --token} or
 * {@code --token-file}), then the environment ({@code LIFEBOAT_FAILOVER_URL}, {@code LIFEBOAT_API_TOKEN}), then the
 * config file. The address defaults to {@code http://localhost:8084}; a token is required.
 */
public final class ConnectionResolver {

    public static final String URL_ENV = "LIFEBOAT_FAILOVER_URL";
    public static final String TOKEN_ENV = "LIFEBOAT_API_TOKEN";
    public static final String CONFIG_ENV = "LIFEBOAT_CONFIG";
    public static final String DEFAULT_URL = "http://localhost:8084";

    private final Map<String, String> env;
    private final Path home;

    /** @param home the user's home directory, for {@code ~/.config/lifeboat/config}; null: no default file */
    public ConnectionResolver(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public Connection resolve(Invocation inv) throws UsageError {
        Path configPath = configPath();
        Map<String, String> file = configPath == null ? Map.of() : readConfig(configPath);
        String fileName = configPath == null ? "" : configPath.toString();

        String url;
        String urlFrom;
        if (inv.url() != null) {
            url = inv.url();
            urlFrom = "--url";
        } else if (present(env.get(URL_ENV))) {
            url = env.get(URL_ENV);
            urlFrom = URL_ENV;
        } else if (present(file.get("url"))) {
            url = file.get("url");
            urlFrom = fileName;
        } else {
            url = DEFAULT_URL;
            urlFrom = "the default";
        }

        String token;
        String tokenFrom;
        if (inv.token() != null) {
            token = inv.token();
            tokenFrom = "--token";
        } else if (inv.tokenFile() != null) {
            token = readToken(Path.of(inv.tokenFile()));
            tokenFrom = "--token-file";
        } else if (present(env.get(TOKEN_ENV))) {
            token = env.get(TOKEN_ENV).strip();
            tokenFrom = TOKEN_ENV;
        } else if (present(file.get("token"))) {
            token = file.get("token");
            tokenFrom = fileName;
        } else if (present(file.get("token-file"))) {
            token = readToken(relativeTo(configPath, file.get("token-file")));
            tokenFrom = fileName + " (token-file)";
        } else {
            throw new UsageError("no token: give --token or --token-file, set " + TOKEN_ENV + ", or put token= in "
                    + (configPath == null ? "~/.config/lifeboat/config" : configPath)
                    + " (a viewer or operator token of failover-service)");
        }
        if (token.isBlank()) {
            throw new UsageError("the token from " + tokenFrom + " is empty");
        }
        return new Connection(checkedUrl(url, urlFrom), token, "url from " + urlFrom + ", token from " + tokenFrom);
    }

    /** {@code $LIFEBOAT_CONFIG} (which must exist), else {@code ~/.config/lifeboat/config} if it exists. */
    Path configPath() throws UsageError {
        String named = env.get(CONFIG_ENV);
        if (present(named)) {
            Path path = expand(named);
            if (!Files.isRegularFile(path)) {
                throw new UsageError(CONFIG_ENV + " names " + path + ", which is not a file");
            }
            return path;
        }
        if (home == null) {
            return null;
        }
        Path path = home.resolve(".config/lifeboat/config");
        return Files.isRegularFile(path) ? path : null;
    }

    private Map<String, String> readConfig(Path path) throws UsageError {
        try {
            return ConfigFile.parse(path.toString(), Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageError("cannot read " + path + ": " + e.getMessage());
        }
    }

    private static String readToken(Path path) throws UsageError {
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
            throw new UsageError("cannot read the token file " + path + ": " + e.getClass().getSimpleName());
        }
    }

    private Path relativeTo(Path configPath, String value) {
        Path path = expand(value);
        return path.isAbsolute() || configPath == null || configPath.getParent() == null ? path
                : configPath.getParent().resolve(path);
    }

    private Path expand(String value) {
        return value.startsWith("~/") && home != null ? home.resolve(value.substring(2)) : Path.of(value);
    }

    private static String checkedUrl(String url, String from) throws UsageError {
        try {
            URI uri = URI.create(url.strip());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not http(s)://host[:port]");
            }
            String text = uri.toString();
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        } catch (IllegalArgumentException e) {
            throw new UsageError("the address from " + from + " is not a URL like http://localhost:8084 ('" + url
                    + "')");
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
