package io.lifeboat.cli;

import io.lifeboat.cli.api.Api;
import io.lifeboat.cli.api.HttpApi;
import io.lifeboat.cli.args.ArgumentParser;
import io.lifeboat.cli.args.Command;
import io.lifeboat.cli.args.Invocation;
import io.lifeboat.cli.args.UsageError;
import io.lifeboat.cli.config.Connection;
import io.lifeboat.cli.config.ConnectionResolver;
import io.lifeboat.cli.shell.Completion;
import io.lifeboat.cli.shell.Help;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * {@code lifeboat}: the operator's command line, a thin client of failover-service's API (plain
 * {@code java.net.http} and Jackson, no Quarkus). See {@link Help} for the commands, options and exit codes; the
 * login name goes to the service as the actor, so that the audit names the person.
 */
public final class LifeboatCli {

    private final Map<String, String> env;
    private final Path home;
    private final String actor;
    private final PrintStream out;
    private final PrintStream err;
    private final Function<Connection, Api> apis;
    private Session.Pacer pacer = Session.SLEEP;

    /**
     * A CLI aimed at one service with one token (as if from the environment; options on the line still win), no
     * config file. For tests and embedding.
     */
    public LifeboatCli(String url, String token, String actor, PrintStream out, PrintStream err) {
        this(Map.of(ConnectionResolver.URL_ENV, url, ConnectionResolver.TOKEN_ENV, token), null, actor, out, err,
                c -> new HttpApi(c, actor));
    }

    LifeboatCli(Map<String, String> env, Path home, String actor, PrintStream out, PrintStream err,
            Function<Connection, Api> apis) {
        this.env = env;
        this.home = home;
        this.actor = actor;
        this.out = out;
        this.err = err;
        this.apis = apis;
    }

    public static void main(String[] args) {
        String actor = System.getProperty("user.name", "cli");
        // $HOME first, as a shell's ~ (the JVM's user.home is the passwd entry's, whatever HOME says).
        String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
        LifeboatCli cli = new LifeboatCli(System.getenv(), home == null ? null : Path.of(home), actor, System.out,
                System.err, c -> new HttpApi(c, actor));
        System.exit(cli.run(args));
    }

    LifeboatCli pacedBy(Session.Pacer newPacer) {
        this.pacer = newPacer;
        return this;
    }

    /** Runs one command line; returns the exit status. */
    public int run(String... args) {
        Invocation inv;
        try {
            inv = ArgumentParser.parse(args);
        } catch (UsageError e) {
            err.println("lifeboat: " + e.getMessage());
            err.println("(lifeboat help: the commands, options and exit codes)");
            return ExitCode.USAGE.status();
        }
        try {
            return execute(inv).status();
        } catch (UsageError e) {
            err.println("lifeboat: " + e.getMessage());
            return ExitCode.USAGE.status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("lifeboat: interrupted");
            return ExitCode.REFUSED.status();
        }
    }

    private ExitCode execute(Invocation inv) throws UsageError, InterruptedException {
        if (inv.command().kind() == Command.Kind.LOCAL) {
            out.print(switch (inv.command()) {
                case COMPLETION -> Completion.script(inv.words().get(0));
                case VERSION -> "lifeboat " + version() + "\n";
                default -> Help.text();
            });
            out.flush();
            return ExitCode.OK;
        }
        Connection connection = new ConnectionResolver(env, home).resolve(inv);
        return new Session(apis.apply(connection), out, err, pacer).run(inv);
    }

    /** The version and commit this jar was built from ({@code lifeboat-cli.properties}, filtered by Maven). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = LifeboatCli.class.getResourceAsStream("/lifeboat-cli.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "(version unknown)";
        }
        String commit = p.getProperty("commit", "");
        return p.getProperty("version", "(version unknown)")
                + (commit.isBlank() || commit.startsWith("$") ? "" : " (commit " + commit + ")");
    }
}
