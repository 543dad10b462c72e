package io.lacpd.bench;

import io.lacpd.core.LacpListener;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;

import java.util.concurrent.TimeUnit;

/**
 * Two systems, A and B, each with ports p1..pN (port numbers 1..N, all key 1, default settings: Active,
 * short timeout), wired pairwise on a {@link VirtualNetwork}: one LAG of N links.
 */
final class TwoSystems {

    static final String A = "A";
    static final String B = "B";

    final VirtualNetwork net;
    final int links;

    private TwoSystems(VirtualNetwork net, int links) {
        this.net = net;
        this.links = links;
    }

    /** Builds the systems and wires them; nothing has run yet beyond what connecting does. */
    static TwoSystems build(int links) {
        if (links < 1 || links > 0xFFFF) {
            throw new IllegalArgumentException("links " + links + " (expected: 1..65535; port number 0 is invalid)");
        }
        VirtualNetwork net = new VirtualNetwork(1);
        net.addSystem(A, SystemConfig.of(new MacAddress(0x0200_0000_000AL)), LacpListener.NONE);
        net.addSystem(B, SystemConfig.of(new MacAddress(0x0200_0000_000BL)), LacpListener.NONE);
        // Each system has name strings of its own, as real systems would; the wires refer to the same
        // strings, so that the simulator's share of the heap is not inflated by copies.
        String[] namesA = new String[links + 1];
        String[] namesB = new String[links + 1];
        for (int i = 1; i <= links; i++) {
            namesA[i] = "p" + i;
            namesB[i] = "p" + i;
            net.addPort(A, PortConfig.of(namesA[i], i));
            net.addPort(B, PortConfig.of(namesB[i], i));
        }
        for (int i = 1; i <= links; i++) {
            net.connect(A, namesA[i], B, namesB[i]);
        }
        return new TwoSystems(net, links);
    }

    /** Runs for that many seconds of virtual time. */
    void runSeconds(long seconds) {
        net.runFor(TimeUnit.SECONDS.toNanos(seconds));
    }

    /** Sum of lacpdu_rx over every port of both systems. */
    long lacpduRx() {
        return lacpduRx(net.system(A).snapshot()) + lacpduRx(net.system(B).snapshot());
    }

    private static long lacpduRx(SystemSnapshot s) {
        long sum = 0;
        for (PortSnapshot p : s.ports()) {
            sum += p.counters().lacpduRx();
        }
        return sum;
    }

    /**
     * Fails unless both systems have exactly one aggregator with all N links distributing: a benchmark of a
     * network that did not converge would measure the wrong thing.
     */
    void checkConverged() {
        for (String name : new String[] {A, B}) {
            SystemSnapshot s = net.system(name).snapshot();
            if (s.aggregators().size() != 1 || s.aggregators().get(0).distributingPorts().size() != links) {
                throw new IllegalStateException("system " + name + " did not converge to one LAG of " + links
                        + " distributing links: " + s.aggregators().size() + " aggregators, "
                        + (s.aggregators().isEmpty() ? 0 : s.aggregators().get(0).distributingPorts().size())
                        + " distributing on the first");
            }
        }
    }
}
