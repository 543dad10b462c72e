package io.lacpd.transport;

import java.io.IOException;
import java.util.function.Consumer;

/** Opens the best {@link LinkMonitor} the kernel allows. */
public final class LinkMonitors {

    private LinkMonitors() {
    }

    /**
     * A {@link NetlinkLinkMonitor}, or, when no rtnetlink socket can be opened, a {@link SysfsLinkMonitor}
     * after a one-line warning to {@code notices}.
     */
    public static LinkMonitor open(Consumer<String> notices) {
        try {
            return new NetlinkLinkMonitor();
        } catch (IOException e) {
            notices.accept(e.getMessage() + "; polling /sys/class/net every 100 ms instead");
            return new SysfsLinkMonitor();
        }
    }
}
