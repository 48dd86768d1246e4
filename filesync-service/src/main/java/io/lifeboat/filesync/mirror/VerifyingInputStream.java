package io.lifeboat.filesync.mirror;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes what passes through. When an expected size and SHA-256 are given, it refuses to hand over the
 * last bytes of content that does not match: the upload reading from it then fails before it is complete, so the
 * store never keeps a wrong copy under the final key. (An HTTP client sending a known Content-Length stops reading at
 * that length, so checking at end-of-stream would be too late.)
 */
final class VerifyingInputStream extends FilterInputStream {

    private final MessageDigest digest = sha256();
    private final long expectedSize;
    private final String expectedSha256;
    private long count;

    /** @param expectedSha256 null to only count and hash */
    VerifyingInputStream(InputStream in, long expectedSize, String expectedSha256) {
        super(in);
        this.expectedSize = expectedSize;
        this.expectedSha256 = expectedSha256;
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
        digest.update(buffer, offset, n);
        count += n;
        if (count > expectedSize) {
            throw new IOException("source is longer than the " + expectedSize + " bytes it announced: changed while read");
        }
        if (count == expectedSize && expectedSha256 != null) {
            String actual = hex();
            if (!actual.equals(expectedSha256)) {
                throw new IOException("content changed while copied: SHA-256 " + actual + ", expected " + expectedSha256);
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

    /** The SHA-256 of everything read so far, in hex; call once, at the end. */
    String hex() {
        return HexFormat.of().formatHex(((MessageDigest) cloneDigest()).digest());
    }

    private Object cloneDigest() {
        try {
            return digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
