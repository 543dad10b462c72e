package io.lacpd.team.daemon;

import io.lacpd.transport.LinkMonitor;
import io.lacpd.transport.LinkState;

import java.util.Set;
import java.util.function.Consumer;

/**
 * The link monitor the LACP runtime uses, handing each state it reads or is told to the team as well: the
 * team hears every link change the runtime acts on, just after it.
 */
final class TeamLinkMonitor implements LinkMonitor {

    private final LinkMonitor monitor;
    private volatile Consumer<LinkState> team = state -> { };
    /** The runtime's own listener, from {@link #start}. */
    private volatile Consumer<LinkState> runtime = state -> { };

    TeamLinkMonitor(LinkMonitor monitor) {
        this.monitor = monitor;
    }

    /** Where the states go; set before the runtime starts, it must not block (it posts to the loop). */
    void forwardTo(Consumer<LinkState> receiver) {
        team = receiver;
    }

    @Override
    public LinkState read(String name) {
        LinkState state = monitor.read(name);
        team.accept(state);
        return state;
    }

    @Override
    public void start(Set<String> names, Consumer<LinkState> listener, Consumer<String> notices) {
        runtime = listener;
        monitor.start(names, state -> {
            listener.accept(state);
            team.accept(state);
        }, notices);
    }

    /**
     * A member's data socket failed as it does once the member is down or deleted: reads the interface now and,
     * when the kernel says it is down or gone, hands that state to the runtime and the team at once, as the
     * monitor does a carrier loss; the member then stays out until the monitor reports it up. A failure the kernel
     * does not confirm (the interface is up again already) changes nothing.
     *
     * @return whether the kernel confirmed it
     */
    boolean memberGone(String name) {
        LinkState state = monitor.read(name);
        if (state.exists() && state.up()) {
            return false;
        }
        runtime.accept(state);
        team.accept(state);
        return true;
    }

    @Override
    public void watch(Set<String> names) {
        monitor.watch(names);
    }

    @Override
    public void close() {
        monitor.close();
    }
}
