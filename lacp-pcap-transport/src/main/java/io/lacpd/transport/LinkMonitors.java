package io.lacpd.transport;

import java.io.IOException;

/** Opens the best {@link LinkMonitor} the kernel allows. */
public final class LinkMonitors {

    private LinkMonitors() {
    }

    /**
     * A {@link NetlinkLinkMonitor}, or, when no rtnetlink socket can be opened, a {@link SysfsLinkMonitor}
     * after a one-line warning on stderr.
     */
    public static LinkMonitor open() {
        try {
            return new NetlinkLinkMonitor();
        } catch (IOException e) {
            System.err.println("lacpd: " + e.getMessage() + "; polling /sys/class/net every 100 ms instead");
            return new SysfsLinkMonitor();
        }
    }
}
