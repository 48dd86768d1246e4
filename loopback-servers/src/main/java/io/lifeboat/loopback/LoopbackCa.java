package io.lifeboat.loopback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of the loopback servers' own, made with the JDK's {@code keytool} (no other tool), that
 * signs server certificates for {@code 127.0.0.1} and {@code localhost}: what the TLS listeners of the secured Kafka
 * broker, PostgreSQL and the object store present, and what their clients verify (hostname verification on).
 * The CA is kept in its directory: a restarted server, or a new object over the same directory, keeps it.
 * Passwords reach keytool through its environment, never its command line.
 */
public final class LoopbackCa {

    private static final String STORE_TYPE = "PKCS12";
    private static final String VALIDITY_DAYS = "30";

    private final Path dir;
    private final String caPassword;

    /** The CA in {@code dir}, made there the first time, its password kept beside it. */
    public static LoopbackCa in(Path dir) {
        Path file = dir.resolve("ca.password");
        try {
            Files.createDirectories(dir);
            if (!Files.exists(file)) {
                Files.writeString(file, Secrets.alphanumeric(24));
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return new LoopbackCa(dir, Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the CA password in " + file, e);
        }
    }

    /** The CA in {@code dir} whose key store is protected by {@code caPassword}, made there the first time. */
    LoopbackCa(Path dir, String caPassword) {
        this.dir = dir.toAbsolutePath();
        this.caPassword = caPassword;
        if (!Files.exists(certificate())) {
            keytool(Map.of(), "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity",
                    VALIDITY_DAYS, "-dname", "CN=Lifeboat loopback CA", "-ext", "bc:c=ca:true",
                    "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", "ca.p12", "-storetype", STORE_TYPE,
                    "-storepass:env", "CA_PASS");
            keytool(Map.of(), "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass:env", "CA_PASS",
                    "-file", "ca.crt");
        }
    }

    public Path directory() {
        return dir;
    }

    /** The CA's certificate, PEM: what a client is given to verify the servers ({@code sslrootcert}, a CA bundle). */
    public Path certificate() {
        return dir.resolve("ca.crt");
    }

    /**
     * A PKCS#12 key store {@code <name>.p12} holding a key and its certificate for 127.0.0.1 and localhost, signed by
     * this CA, with the CA's certificate in the chain; made the first time.
     */
    public Path serverKeystore(String name, String password) {
        Path keystore = dir.resolve(name + ".p12");
        if (Files.exists(keystore)) {
            return keystore;
        }
        Map<String, String> env = Map.of("KEYSTORE_PASS", password);
        keytool(env, "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS,
                "-dname", "CN=127.0.0.1", "-keystore", name + ".tmp.p12", "-storetype", STORE_TYPE,
                "-storepass:env", "KEYSTORE_PASS");
        keytool(env, "-certreq", "-alias", name, "-keystore", name + ".tmp.p12", "-storepass:env", "KEYSTORE_PASS",
                "-file", name + ".csr");
        keytool(env, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass:env", "CA_PASS",
                "-infile", name + ".csr", "-outfile", name + ".crt", "-validity", VALIDITY_DAYS,
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "ku:c=digitalSignature,keyEncipherment",
                "-ext", "eku=serverAuth");
        keytool(env, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", name + ".tmp.p12",
                "-storepass:env", "KEYSTORE_PASS");
        keytool(env, "-importcert", "-alias", name, "-file", name + ".crt", "-keystore", name + ".tmp.p12",
                "-storepass:env", "KEYSTORE_PASS");
        try {
            // Whole or not at all: a half-made key store must not be taken for a finished one at the next start.
            Files.move(dir.resolve(name + ".tmp.p12"), keystore);
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep " + keystore, e);
        }
        return keystore;
    }

    /**
     * The same server identity as PEM files, as PostgreSQL wants them: {@code <name>.crt} (the certificate) and
     * {@code <name>.key} (its PKCS#8 key, readable by its owner only).
     *
     * @return the certificate and key files, in that order
     */
    public List<Path> serverPem(String name) {
        Path key = dir.resolve(name + ".key");
        if (!Files.exists(key)) {
            String password = Secrets.alphanumeric(24);
            Path keystore = serverKeystore(name + "-pem", password);
            try (InputStream in = Files.newInputStream(keystore)) {
                KeyStore store = KeyStore.getInstance(STORE_TYPE);
                store.load(in, password.toCharArray());
                Key privateKey = store.getKey(name + "-pem", password.toCharArray());
                String pem = "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(privateKey.getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
                Path tmp = dir.resolve(name + ".key.tmp");
                Files.writeString(tmp, pem);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.copy(dir.resolve(name + "-pem.crt"), dir.resolve(name + ".crt"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, key);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the PEM files of " + name + " in " + dir, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("could not read the key of " + name + " from " + keystore, e);
            }
        }
        return List.of(dir.resolve(name + ".crt"), key);
    }

    /** A PKCS#12 trust store holding only this CA's certificate; made the first time. */
    public Path truststore(String fileName, String password) {
        Path truststore = dir.resolve(fileName);
        if (!Files.exists(truststore)) {
            keytool(Map.of("TRUSTSTORE_PASS", password), "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt",
                    "-keystore", fileName, "-storetype", STORE_TYPE, "-storepass:env", "TRUSTSTORE_PASS");
        }
        return truststore;
    }

    private void keytool(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        JavaCommand.testOptions().forEach(option -> command.add("-J" + option));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("CA_PASS", caPassword);
        builder.environment().putAll(env);
        try {
            Files.createDirectories(dir);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed in " + dir + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run keytool " + args[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running keytool " + args[0], e);
        }
    }
}
