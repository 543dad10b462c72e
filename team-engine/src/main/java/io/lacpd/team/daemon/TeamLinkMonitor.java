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
        monitor.start(names, state -> {
            listener.accept(state);
            team.accept(state);
        }, notices);
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
