package io.lifeboat.filesync.store.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A store's own CA bundle (PEM, one or more certificates): HTTPS to that store trusts these and only these, as the
 * AWS CLI's {@code --ca-bundle} does; hostname verification stays the JDK's.
 */
final class TrustBundle {

    private TrustBundle() {
    }

    /** @throws IllegalArgumentException naming the file when it holds no certificate or cannot be read */
    static SSLSocketFactory socketFactory(Path pemBundle) {
        try (InputStream in = Files.newInputStream(pemBundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(pemBundle + " holds no PEM certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the CA bundle " + pemBundle, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pemBundle + " is not a PEM CA bundle: " + e.getMessage(), e);
        }
    }
}
