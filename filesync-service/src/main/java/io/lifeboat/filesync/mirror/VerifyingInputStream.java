package io.lifeboat.filesync.mirror;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Counts and hashes what passes through. When an expected size and SHA-256 are given, it refuses to hand over the
 * last bytes of content that does not match: the upload reading from it then fails before it is complete, so the
 * store never keeps a wrong copy under the final key. (An HTTP client sending a known Content-Length stops reading at
 * that length, so checking at end-of-stream would be too late.)
 *
 * <p>What it computes is the content's SHA-256 by default; a copy on local disk that was hashed on its way there is
 * checked on its way back with CRC32C instead, which catches a damaged round trip for a twentieth of the CPU.
 */
final class VerifyingInputStream extends FilterInputStream {

    /** A checksum over the bytes read: its name, what takes the bytes, and its value so far in hex. */
    record Fingerprint(String name, Update update, Supplier<String> hex) {
        interface Update {
            void bytes(byte[] buffer, int offset, int length);
        }
    }

    private final Fingerprint fingerprint;
    private final long expectedSize;
    private final String expected;
    private long count;

    /** @param expectedSha256 null to only count and hash */
    VerifyingInputStream(InputStream in, long expectedSize, String expectedSha256) {
        this(in, expectedSize, expectedSha256, sha256Fingerprint());
    }

    /** @param expected the fingerprint's hex the content must have, or null to only count and compute it */
    VerifyingInputStream(InputStream in, long expectedSize, String expected, Fingerprint fingerprint) {
        super(in);
        this.expectedSize = expectedSize;
        this.expected = expected;
        this.fingerprint = fingerprint;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n < 0) {
            if (count != expectedSize) {
                throw new IOException("source ended after " + count + " of " + expectedSize + " bytes");
            }
            return n;
        }
        fingerprint.update().bytes(buffer, offset, n);
        count += n;
        if (count > expectedSize) {
            throw new IOException("source is longer than the " + expectedSize + " bytes it announced: changed while read");
        }
        if (count == expectedSize && expected != null) {
            String actual = hex();
            if (!actual.equals(expected)) {
                throw new IOException("content changed while copied: " + fingerprint.name() + " " + actual
                        + ", expected " + expected);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping would leave bytes unverified");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    /** The fingerprint (SHA-256 unless given another) of everything read so far, in hex; call once, at the end. */
    String hex() {
        return fingerprint.hex().get();
    }

    static Fingerprint sha256Fingerprint() {
        MessageDigest digest = sha256();
        // The value is read at the last byte and again by the caller: a digest is reset by reading it, its clone not.
        return new Fingerprint("SHA-256", digest::update, () -> {
            try {
                return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Fingerprint crc32cFingerprint() {
        CRC32C crc = new CRC32C();
        return new Fingerprint("CRC32C", crc::update, () -> Long.toHexString(crc.getValue()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
