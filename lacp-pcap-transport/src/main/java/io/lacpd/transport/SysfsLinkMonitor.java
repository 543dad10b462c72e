package io.lacpd.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link LinkMonitor} that reads every watched interface from {@code /sys/class/net} every 100 ms, for
 * when no rtnetlink socket can be opened. Same reports as {@link NetlinkLinkMonitor}, up to 100 ms later.
 */
public final class SysfsLinkMonitor extends ThreadedLinkMonitor {

    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A monitor that polls nothing until {@link #start}. */
    public SysfsLinkMonitor() {
    }

    @Override
    void watch(LinkReporter reporter) {
        while (!closing()) {
            resync(reporter);
            // close unparks us; a spurious wake-up only polls early.
            LockSupport.parkNanos(PERIOD_NANOS);
        }
    }

    @Override
    void release() {
        // Nothing is held between polls: each read opens and closes its files.
    }
}
