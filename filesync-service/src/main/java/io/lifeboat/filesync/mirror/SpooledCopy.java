package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import io.lifeboat.filesync.store.SiteBucket;
import io.lifeboat.filesync.store.StoredObject;
import io.lifeboat.filesync.store.s3.WriteCondition;

/**
 * A native file too large for memory, read once from the source into the {@link Spool} while hashed, then uploaded
 * from there with its checksum. The local round trip is checked with a CRC32C taken on the way in, before the last
 * byte is sent: hashing the content a second time would prove nothing more about it.
 */
final class SpooledCopy {

    private static final int BUFFER = 64 * 1024;

    private final Spool spool;
    private final Upload upload;

    SpooledCopy(Spool spool, Upload upload) {
        this.spool = spool;
        this.upload = upload;
    }

    /** Copies the file if the spool has room for it now; empty (nothing read) if not. */
    Optional<Copied> copyIfRoom(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey,
            WriteCondition condition) {
        return spool.reserve(source.size()).map(spooled -> copy(raw, from, source, to, toKey, condition, spooled));
    }

    private Copied copy(InputStream raw, SiteBucket from, StoredObject source, SiteBucket to, String toKey,
            WriteCondition condition, Spool.SpooledFile spooled) {
        try (spooled) {
            VerifyingInputStream in = new VerifyingInputStream(raw, source.size(), null);
            VerifyingInputStream.Fingerprint written = VerifyingInputStream.crc32cFingerprint();
            OutputStream out = spooled.writer();
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
                written.update().bytes(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            return upload.send(new VerifyingInputStream(spooled.reader(), source.size(), written.hex().get(),
                    VerifyingInputStream.crc32cFingerprint()), from, source, in.hex(), to, toKey, condition);
        } catch (IOException e) {
            throw new UncheckedIOException("spooling " + from.siteId() + ":" + source.key() + " failed: "
                    + e.getMessage(), e);
        }
    }
}
