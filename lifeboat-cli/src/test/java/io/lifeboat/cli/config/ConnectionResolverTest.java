package io.lifeboat.cli.config;

import io.lifeboat.cli.args.ArgumentParser;
import io.lifeboat.cli.args.UsageError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionResolverTest {

    @TempDir
    Path home;

    private Connection resolve(Map<String, String> env, String... args) throws UsageError {
        return new ConnectionResolver(env, home).resolve(ArgumentParser.parse(args));
    }

    private void config(String... lines) throws IOException {
        Path file = home.resolve(".config/lifeboat/config");
        Files.createDirectories(file.getParent());
        Files.write(file, List.of(lines));
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheConfigFile() throws Exception {
        config("# the DR site", "url = http://file:1", "token=from-file");
        Map<String, String> env = Map.of("LIFEBOAT_FAILOVER_URL", "http://env:2", "LIFEBOAT_API_TOKEN", "from-env");

        Connection flags = resolve(env, "status", "--url", "http://flag:3/", "--token", "from-flag");
        assertThat(flags.url()).isEqualTo("http://flag:3");
        assertThat(flags.token()).isEqualTo("from-flag");
        assertThat(flags.source()).isEqualTo("url from --url, token from --token");

        Connection fromEnv = resolve(env, "status");
        assertThat(fromEnv.url()).isEqualTo("http://env:2");
        assertThat(fromEnv.token()).isEqualTo("from-env");

        Connection fromFile = resolve(Map.of(), "status");
        assertThat(fromFile.url()).isEqualTo("http://file:1");
        assertThat(fromFile.token()).isEqualTo("from-file");
        assertThat(fromFile.toString()).doesNotContain("from-file");
    }

    @Test
    void theAddressDefaultsToLocalhostButATokenIsRequired() throws Exception {
        assertThat(resolve(Map.of("LIFEBOAT_API_TOKEN", "t"), "status").url()).isEqualTo("http://localhost:8084");
        assertThatThrownBy(() -> resolve(Map.of(), "status")).isInstanceOf(UsageError.class)
                .hasMessageContaining("no token: give --token or --token-file, set LIFEBOAT_API_TOKEN");
    }

    @Test
    void tokenFilesFromTheFlagOrRelativeToTheConfigFile() throws Exception {
        Path secret = Files.writeString(home.resolve("secret"), "s3cr3t-token\n");
        assertThat(resolve(Map.of(), "status", "--token-file", secret.toString()).token()).isEqualTo("s3cr3t-token");

        Path dir = Files.createDirectories(home.resolve("etc"));
        Files.writeString(dir.resolve("token"), "relative-token\n");
        Path named = Files.write(dir.resolve("lifeboat.conf"), List.of("token-file=token"));
        Connection c = resolve(Map.of("LIFEBOAT_CONFIG", named.toString()), "status");
        assertThat(c.token()).isEqualTo("relative-token");
        assertThat(c.source()).endsWith("lifeboat.conf (token-file)");

        assertThatThrownBy(() -> resolve(Map.of(), "status", "--token-file", home.resolve("none").toString()))
                .hasMessageContaining("cannot read the token file");
        Files.writeString(secret, "\n");
        assertThatThrownBy(() -> resolve(Map.of(), "status", "--token-file", secret.toString()))
                .hasMessageContaining("is empty");
    }

    @Test
    void aNamedConfigFileMustExistAndHoldOnlyKnownKeys() throws Exception {
        assertThatThrownBy(() -> resolve(Map.of("LIFEBOAT_CONFIG", home.resolve("nope").toString()), "status"))
                .hasMessageContaining("LIFEBOAT_CONFIG names").hasMessageContaining("not a file");
        config("url=http://x:1", "tokn=abc");
        assertThatThrownBy(() -> resolve(Map.of(), "status")).hasMessageContaining("line 2: unknown key 'tokn'")
                .hasMessageNotContaining("abc");
        config("token=a", "token-file=b");
        assertThatThrownBy(() -> resolve(Map.of(), "status")).hasMessageContaining("token or token-file, not both");
        config("just words");
        assertThatThrownBy(() -> resolve(Map.of(), "status")).hasMessageContaining("line 1: not key=value");
    }

    @Test
    void theAddressMustBeAnHttpUrl() {
        assertThatThrownBy(() -> resolve(Map.of("LIFEBOAT_API_TOKEN", "t"), "status", "--url", "localhost:8084"))
                .hasMessageContaining("the address from --url is not a URL like http://localhost:8084");
    }
}
