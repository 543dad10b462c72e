package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A small test bench: systems A and B (and more on demand) on a {@link VirtualNetwork}, recording events. */
final class Lab {

    final VirtualNetwork net;
    final List<String> log = new ArrayList<>();
    final List<LacpEvent> events = new ArrayList<>();

    Lab() {
        this(1);
    }

    Lab(long seed) {
        net = new VirtualNetwork(seed);
    }

    static long seconds(double s) {
        return (long) (s * TimeUnit.SECONDS.toNanos(1));
    }

    static MacAddress mac(int n) {
        return new MacAddress(0x0200_0000_0000L | n);
    }

    LacpSystem system(String name, int macSuffix) {
        return system(name, SystemConfig.of(mac(macSuffix)));
    }

    LacpSystem system(String name, SystemConfig config) {
        return net.addSystem(name, config, e -> {
            events.add(e);
            log.add(String.format("%9.3f %s %s", net.now() / 1e9, name, e));
        });
    }

    void port(String system, String name, int number) {
        net.addPort(system, PortConfig.of(name, number));
    }

    void port(String system, PortConfig config) {
        net.addPort(system, config);
    }

    Wire connect(String sysA, String portA, String sysB, String portB) {
        return net.connect(sysA, portA, sysB, portB);
    }

    void run(double s) {
        net.runFor(seconds(s));
    }

    PortSnapshot port(String system, String name) {
        return net.system(system).snapshot().port(name);
    }

    boolean distributing(String system, String port) {
        return port(system, port).distributing();
    }

    /** A and B, each with ports p1..pN, wired pairwise. */
    static Lab twoSystems(int links) {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        for (int i = 1; i <= links; i++) {
            lab.port("A", "p" + i, i);
            lab.port("B", "p" + i, i);
        }
        for (int i = 1; i <= links; i++) {
            lab.connect("A", "p" + i, "B", "p" + i);
        }
        return lab;
    }

    String dump() {
        return String.join("\n", log);
    }
}
