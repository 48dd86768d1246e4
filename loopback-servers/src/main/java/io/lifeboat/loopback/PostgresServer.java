package io.lifeboat.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL 17 server (zonky's Maven-shipped binaries) on 127.0.0.1, ready for logical decoding.
 *
 * <p>The data directory lives under the given work directory and is never cleaned, so {@link #stop()} then
 * {@link #start()} (or a new object over the same directory) finds the same databases, replication slots and
 * password. Clients authenticate with a generated password (SCRAM-SHA-256), as they must in production, so a
 * missing password in some service's configuration fails here too.
 *
 * <p>{@link #withTls(LoopbackCa)} makes it a server as a managed database is: TLS on, with a certificate for
 * 127.0.0.1 signed by the given CA, and {@code hostssl} only in {@code pg_hba.conf}, so that a client without TLS is
 * refused. This class's own connections then verify the server (verify-full against that CA).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "postgres";

    private static final String HBA_MARKER = "# lifeboat: password authentication";
    private static final String HBA_PLAIN = """
            host    all          all   127.0.0.1/32   scram-sha-256
            host    replication  all   127.0.0.1/32   scram-sha-256
            """;
    private static final String HBA_TLS = """
            hostssl all          all   127.0.0.1/32   scram-sha-256
            hostssl replication  all   127.0.0.1/32   scram-sha-256
            """;
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Path workDir;
    private final int port = FreePorts.next();
    private final String password;
    private EmbeddedPostgres postgres;
    private ProcessHandle postmaster;
    private Thread shutdownHook;
    private LoopbackCa tlsCa;

    /** @param name the site this server stands for ("home", "offsite"); used in logs and error messages */
    public PostgresServer(String name, Path workDir) {
        this.name = name;
        this.workDir = workDir.toAbsolutePath();
        this.password = loadOrCreatePassword();
    }

    /** From the next {@link #start()} on: TLS only, with a server certificate signed by {@code ca}. */
    public synchronized PostgresServer withTls(LoopbackCa ca) {
        this.tlsCa = ca;
        return this;
    }

    /** The CA the server's certificate is signed by, when it runs with TLS. */
    public Optional<LoopbackCa> tlsCa() {
        return Optional.ofNullable(tlsCa);
    }

    public synchronized PostgresServer start() {
        if (isRunning()) {
            return this;
        }
        try {
            Files.createDirectories(dataDir());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            if (tlsCa != null) {
                List<Path> pem = tlsCa.serverPem("postgres-" + name);
                builder.setServerConfig("ssl", "on")
                        .setServerConfig("ssl_cert_file", pem.get(0).toString())
                        .setServerConfig("ssl_key_file", pem.get(1).toString())
                        .setServerConfig("ssl_min_protocol_version", "TLSv1.2");
                tlsProperties().forEach(builder::setConnectConfig);
            }
            postgres = builder
                    .setDataDirectory(dataDir())
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", FreePorts.LOOPBACK.getHostAddress())
                    // No Unix socket: its path would be shared by all servers and too long under deep work dirs.
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    // zonky turns this off for speed; a killed server must lose no committed transaction here either.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setConnectConfig("password", password)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            postgres = null;
            throw new IllegalStateException("PostgreSQL '" + name + "' did not start on port " + port
                    + "\n--- last lines of " + logFile() + " ---\n" + LogTail.of(logFile(), 40), e);
        }
        postmaster = readPostmasterPid();
        OrphanReaper.watch(postmaster.pid());
        shutdownHook = new Thread(this::stop, "postgres-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        requirePasswordAuthentication();
        return this;
    }

    public String name() {
        return name;
    }

    public String host() {
        return FreePorts.LOOPBACK.getHostAddress();
    }

    public int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public Path workDir() {
        return workDir;
    }

    public Path logFile() {
        return workDir.resolve("postgres.log");
    }

    /** A URL without credentials in it: pass {@link #user()} and {@link #password()} separately. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** What a client must add to connect: verify-full against the CA, when the server runs with TLS. */
    public java.util.Map<String, String> tlsProperties() {
        return tlsCa == null ? java.util.Map.of()
                : java.util.Map.of("sslmode", "verify-full", "sslrootcert", tlsCa.certificate().toString());
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        if (tlsCa != null) {
            ds.setSslMode("verify-full");
            ds.setSslRootCert(tlsCa.certificate().toString());
        }
        ds.setServerNames(new String[] {host()});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        ds.setPassword(password);
        ds.setApplicationName("lifeboat-loopback");
        return ds;
    }

    public Connection connect(String database) throws SQLException {
        return dataSource(database).getConnection();
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String database) {
        if (!DATABASE_NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("not a plain lower-case database name: " + database);
        }
        try (Connection c = connect("postgres");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " on PostgreSQL '" + name + "'",
                    e);
        }
    }

    public synchronized boolean isRunning() {
        return postgres != null && postmaster.isAlive();
    }

    /** A fast shutdown (pg_ctl stop -m fast): sessions are ended, committed data is on disk. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            // zonky reports pg_ctl failures itself; the postmaster is killed below if it is still there.
        }
        awaitExit(postmaster, STOP_WAIT);
        released();
    }

    /**
     * SIGKILL to the postmaster and every process it started (backends, WAL writer, checkpointer), as a power cut
     * ends them: none finishes a write in flight, and the next {@link #start()} runs crash recovery. zonky still
     * tries pg_ctl stop to release its lock and logs that no server was running: expected.
     */
    public synchronized void kill() {
        if (postgres == null) {
            return;
        }
        // Read before the postmaster dies: its orphans are no longer its descendants. The children are killed too
        // because a backend outliving its postmaster may still flush and acknowledge a COMMIT.
        List<ProcessHandle> children = postmaster.descendants().collect(Collectors.toList());
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(postmaster, STOP_WAIT);
        // Until every one has exited, the next start finds shared memory in use and refuses. One forked after the
        // list was read exits on its own once it sees the postmaster gone.
        children.forEach(child -> awaitExit(child, STOP_WAIT));
        try {
            postgres.close();
        } catch (IOException e) {
            // Expected: there is no server left for pg_ctl to stop.
        }
        released();
    }

    @Override
    public void close() {
        stop();
    }

    private void released() {
        OrphanReaper.forget(postmaster.pid());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook itself is what is stopping us.
        }
        postgres = null;
    }

    private static void awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notGone) {
            process.destroyForcibly();
        }
    }

    /**
     * zonky's initdb trusts every local connection. The first start sets the password and switches TCP connections to
     * SCRAM (over TLS only, on a TLS server); pg_hba.conf lives in the data directory, so later starts only rewrite it
     * when the server's TLS changed.
     */
    private void requirePasswordAuthentication() {
        Path hba = dataDir().resolve("pg_hba.conf");
        String wanted = HBA_MARKER + "\n" + (tlsCa == null ? HBA_PLAIN : HBA_TLS);
        try {
            String current = Files.readString(hba);
            if (current.equals(wanted)) {
                return;
            }
            try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
                if (!current.contains(HBA_MARKER)) {
                    s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
                }
                Files.writeString(hba, wanted);
                s.execute("SELECT pg_reload_conf()");
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not set up password authentication on PostgreSQL '" + name + "'",
                    e);
        }
    }

    private ProcessHandle readPostmasterPid() {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDir().resolve("postmaster.pid")).get(0).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            return handle.orElseThrow(() -> new IllegalStateException("postmaster " + pid + " is not running"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the postmaster's pid in " + dataDir(), e);
        }
    }

    private String loadOrCreatePassword() {
        Path file = workDir.resolve("password");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(workDir);
            String generated = Secrets.alphanumeric(24);
            Files.writeString(file, generated);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the password in " + file, e);
        }
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }
}
