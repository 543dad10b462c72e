package io.lacpd.transport;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Passes a monitor's observations to its listener: only of watched names, only when they differ from what
 * was last reported, and never after {@link #close}. Used from the monitor's thread only, but for close and
 * the change of names.
 */
final class LinkReporter {

    private volatile Set<String> names;
    private final Consumer<LinkState> listener;
    private final Consumer<String> notices;
    private final Map<String, LinkState> reported = new HashMap<>();
    private volatile boolean closed;

    LinkReporter(Set<String> names, Consumer<LinkState> listener, Consumer<String> notices) {
        this.names = Set.copyOf(names);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.notices = Objects.requireNonNull(notices, "notices");
    }

    Set<String> names() {
        return names;
    }

    /** Watches these names from now on. */
    void names(Set<String> newNames) {
        names = Set.copyOf(newNames);
    }

    /** What was last reported of a watched name, or null before its first report. */
    LinkState reported(String name) {
        return reported.get(name);
    }

    void report(LinkState state) {
        if (closed || !names.contains(state.name()) || state.equals(reported.get(state.name()))) {
            return;
        }
        reported.put(state.name(), state);
        try {
            listener.accept(state);
        } catch (RuntimeException e) {
            // The listener's bug must not stop the monitoring of every other link.
            notice("the listener failed on " + state + ": " + e);
        }
    }

    /** Tells the monitor's owner of a trouble, in one line. */
    void notice(String text) {
        notices.accept("link-monitor: " + text);
    }

    void close() {
        closed = true;
    }
}
