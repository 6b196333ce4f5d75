package io.tributary.system;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The calling thread's CPU time, the clock of every {@link JsonataBudget}: a GC pause, or a thread
 * waiting for a core on a busy machine, spends none of it. Where the JVM cannot tell a thread's CPU
 * time, wall-clock time stands in.
 */
public final class CpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private CpuClock() {
    }

    /** Nanoseconds of CPU this thread has used, from an arbitrary origin. */
    public static long nanos() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
