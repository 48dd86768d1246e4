package io.lifeboat.filesync.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * Local disk that a native file too large for memory passes through on its way to the target. Its SHA-256 must be in
 * the copy's metadata, which S3 fixes when the upload starts, so the content is read once from the source into the
 * spool while hashed, then uploaded from there: the target store writes every byte once, as with rclone, where the
 * scratch key's server-side copy had it read, hash and write every byte a second time.
 *
 * <p>A spooled file is unlinked the moment it is created and reached only through its open channel: nothing of it
 * outlives the copy, a crash or a SIGKILL (the kernel frees it with the process), so there is nothing to clean up, and
 * instances may share the directory. The bytes spooled at once are bounded by the budget; a file that finds no room,
 * or a directory that cannot take one, sends the copy the scratch-key way.
 */
public final class Spool {

    private static final Logger LOG = Logger.getLogger(Spool.class);

    private final Path directory;
    private final AtomicBoolean unusable = new AtomicBoolean();
    private long free;
    private long filesSpooled;

    /** @param budget bytes on disk at once; 0 turns the spool off */
    public Spool(Path directory, long budget) {
        this.directory = directory;
        this.free = budget;
    }

    public static Spool off() {
        return new Spool(null, 0);
    }

    /**
     * Room for {@code size} bytes, or empty while the budget has none, or while the directory cannot take a file
     * (removed, read-only, full): copies then take the scratch-key way rather than fail.
     */
    Optional<SpooledFile> reserve(long size) {
        synchronized (this) {
            if (directory == null || size > free) {
                return Optional.empty();
            }
            free -= size;
        }
        try {
            // On Linux the JDK unlinks a DELETE_ON_CLOSE file right after opening it: nothing is ever left behind.
            FileChannel channel = FileChannel.open(directory.resolve("lifeboat-spool-" + UUID.randomUUID()),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
            if (unusable.compareAndSet(true, false)) {
                LOG.infof("the spool in %s takes files again", directory);
            }
            synchronized (this) {
                filesSpooled++;
            }
            return Optional.of(new SpooledFile(channel, size));
        } catch (IOException | RuntimeException e) {
            release(size);
            if (unusable.compareAndSet(false, true)) {
                LOG.warnf("cannot spool in %s (lifeboat.filesync.mirror.spool-dir): %s; large files are copied "
                        + "through a scratch key of the target until it can", directory, e.getMessage());
            }
            return Optional.empty();
        }
    }

    /** Files that have taken the spool since start. */
    synchronized long filesSpooled() {
        return filesSpooled;
    }

    private synchronized void release(long size) {
        free += size;
    }

    /** One file's bytes on local disk: written once, then read from the start; freed when closed. */
    final class SpooledFile implements AutoCloseable {
        private final FileChannel channel;
        private final long size;

        private SpooledFile(FileChannel channel, long size) {
            this.channel = channel;
            this.size = size;
        }

        /** Not to be closed: the channel is closed with this file. */
        OutputStream writer() {
            return Channels.newOutputStream(channel);
        }

        /** From the first byte; closing it closes the channel. */
        InputStream reader() throws IOException {
            channel.position(0);
            return Channels.newInputStream(channel);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // unlinked already: closing only frees it
            } finally {
                release(size);
            }
        }
    }
}
