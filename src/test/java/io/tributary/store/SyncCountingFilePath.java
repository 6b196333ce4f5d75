package io.tributary.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's files, counting how often one is forced to the disk ({@link FileChannel#force}): a database URL
 * {@code jdbc:h2:synccount:/dir/name} is the file database {@code /dir/name} with its syncs counted.
 */
public final class SyncCountingFilePath extends FilePathWrapper {

    private static final AtomicLong FORCES = new AtomicLong();

    static {
        FilePath.register(new SyncCountingFilePath());
    }

    /** Makes the {@code synccount:} scheme known to H2 (once per JVM; later calls do nothing). */
    public static void register() {
        // the static initializer registers
    }

    /** How many times a file of such a database was forced to the disk, since the JVM started. */
    public static long forces() {
        return FORCES.get();
    }

    @Override
    public String getScheme() {
        return "synccount";
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        return new Counting(super.open(mode));
    }

    /** The base file's channel, every call passed on, every force counted. */
    private static final class Counting extends FileBase {
        private final FileChannel base;

        Counting(FileChannel base) {
            this.base = base;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            FORCES.incrementAndGet();
            base.force(metaData);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return base.read(dst);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return base.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return base.write(src);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return base.write(src, position);
        }

        @Override
        public long position() throws IOException {
            return base.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            base.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return base.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            base.truncate(size);
            return this;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return base.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            base.close();
        }
    }
}
