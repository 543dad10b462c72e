package io.lacpd.team.datapath;

import java.lang.management.ManagementFactory;
import java.util.function.IntUnaryOperator;

/** What per-frame work allocates on the calling thread, measured after a round that warms it up. */
final class Allocation {

    /** Where the work's results go, so that the JIT cannot drop the work. */
    static volatile int sink;

    private Allocation() {
    }

    /**
     * Runs {@code frame} for frames 0 to {@code frames} - 1 twice and returns the bytes the second round allocated:
     * a few beyond zero are the measuring call's own.
     */
    static long ofSecondRound(int frames, IntUnaryOperator frame) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long allocated = 0;
        int s = 0;
        for (int round = 0; round < 2; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < frames; i++) {
                s += frame.applyAsInt(i);
            }
            allocated = threads.getThreadAllocatedBytes(id) - before;
        }
        sink = s;
        return allocated;
    }
}
