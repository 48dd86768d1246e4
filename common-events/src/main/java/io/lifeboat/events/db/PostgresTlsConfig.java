package io.lifeboat.events.db;

import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS settings of one connection to PostgreSQL, as a group of a service's {@code @ConfigMapping} (e.g.
 * {@code lifeboat.replication.links.<id>.source.tls.*}). {@link PostgresTls#of} checks them and turns them into the
 * driver's settings. Every member is optional: no key at all leaves the driver's own default ({@code prefer}).
 */
public interface PostgresTlsConfig {

    /**
     * libpq's {@code sslmode}: {@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
     * {@code verify-full}. Absent: {@code verify-full} when a CA file or a client certificate is set.
     */
    Optional<String> mode();

    /** PEM file of the CA certificate(s) the server's certificate must chain to (a mounted Secret or ConfigMap). */
    @WithName("ca-file")
    Optional<Path> caFile();

    /** mTLS: the client's certificate, PEM. */
    @WithName("cert-file")
    Optional<Path> certFile();

    /** mTLS: the client's key: PKCS#8 PEM ({@code .pem}), PKCS#8 DER ({@code .pk8}) or PKCS#12 ({@code .p12}). */
    @WithName("key-file")
    Optional<Path> keyFile();

    /** The key file's password, when it has one; never logged. */
    @WithName("key-password")
    Optional<String> keyPassword();
}
