package io.lacpd.team.demo;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;
import io.lacpd.team.status.EventText;
import io.lacpd.team.status.FailureText;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Two LACP systems joined by two links, run in virtual time: they negotiate, one link is pulled and
 * plugged back. Prints every event as it happens and the state of both ends at each stage.
 */
public final class VirtualLabDemo {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final PrintStream out;
    private final VirtualNetwork net = new VirtualNetwork(1);

    private VirtualLabDemo(PrintStream out) {
        this.out = out;
    }

    /** Runs the demo to standard output; {@code ./lacpd demo} starts it when not root. Takes no arguments. */
    public static void main(String[] args) {
        new VirtualLabDemo(System.out).run();
    }

    private void run() {
        out.println("Two systems, A and B, joined by two links (p1-p1, p2-p2); Active, short timeout; virtual time.");
        addSystem("A", "02:00:00:00:00:0a");
        addSystem("B", "02:00:00:00:00:0b");
        net.connect("A", "p1", "B", "p1");
        Wire second = net.connect("A", "p2", "B", "p2");
        net.runFor(3 * SECOND);
        status("after 3 s");

        out.println();
        out.println("Pulling the p2 cable at t=10 s.");
        net.runUntil(10 * SECOND);
        second.setUp(false);
        net.runFor(SECOND);
        status("after the pull");

        out.println();
        out.println("Plugging p2 back in at t=20 s.");
        net.runUntil(20 * SECOND);
        second.setUp(true);
        net.runFor(3 * SECOND);
        status("after the plug");
    }

    private void addSystem(String name, String mac) {
        net.addSystem(name, SystemConfig.of(MacAddress.parse(mac)), e -> print(name, e));
        net.addPort(name, PortConfig.of("p1", 1));
        net.addPort(name, PortConfig.of("p2", 2));
    }

    private void print(String system, LacpEvent e) {
        out.printf("  t=%7.3f s  %s: %s%n", net.now() / (double) SECOND, system, EventText.describe(e));
    }

    private void status(String when) {
        out.println("State " + when + ":");
        for (String name : new String[] {"A", "B"}) {
            SystemSnapshot s = net.system(name).snapshot();
            for (PortSnapshot p : s.ports()) {
                out.printf("  %s %s: link %-4s receive %-13s mux %-23s actor %s partner %s %s%n", name, p.name(),
                        p.link().up() ? "up" : "down", p.receiveState().name(), p.muxState().name(), p.actor().state(),
                        p.partner().state(), p.failureReason() == null ? "" : "(" + FailureText.describe(p) + ")");
            }
        }
    }
}
