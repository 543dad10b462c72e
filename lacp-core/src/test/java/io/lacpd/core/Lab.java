package io.lacpd.core;

import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.Frames;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

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
            timed.add(new TimedEvent(net.now(), name, e));
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

    /** A and B joined by one link, A's p1 to B's p1, each port as configured. */
    static Lab oneLink(PortConfig a, PortConfig b) {
        Lab lab = new Lab();
        lab.system("A", 0xA);
        lab.system("B", 0xB);
        lab.port("A", a);
        lab.port("B", b);
        lab.connect("A", "p1", "B", "p1");
        return lab;
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

    /** Records the send time of every LACPDU, per "system/port", from the moment it is called. */
    Map<String, List<Long>> recordLacpduTimes() {
        Map<String, List<Long>> times = new HashMap<>();
        net.observe((now, system, port, frame) -> {
            if (frame.getUnsignedByte(frame.readerIndex() + 14) == SlowProtocolCodec.SUBTYPE_LACP) {
                times.computeIfAbsent(system + "/" + port, k -> new ArrayList<>()).add(now);
            }
        });
        return times;
    }

    /** Every frame sent, decoded, per "system/port". */
    Map<String, List<DecodeResult>> recordFrames() {
        Map<String, List<DecodeResult>> frames = new HashMap<>();
        net.observe((now, system, port, frame) ->
                frames.computeIfAbsent(system + "/" + port, k -> new ArrayList<>()).add(SlowProtocolCodec.decode(frame)));
        return frames;
    }

    /** Hands a LACPDU to a port as if its wire carried it. */
    void injectLacpdu(String system, String port, PortInfo actor, PortInfo partner) {
        net.inject(system, port, Frames.lacpdu(actor.system(), new Lacpdu(Lacpdu.VERSION_1, actor, partner, 0)));
    }

    /** The virtual time of the first event of {@code system} at or after {@code from} that matches, or -1. */
    long firstTime(String system, Predicate<LacpEvent> what, long from) {
        for (TimedEvent t : timed) {
            if (t.at >= from && t.system.equals(system) && what.test(t.event)) {
                return t.at;
            }
        }
        return -1;
    }

    /** An event with the system it came from and its virtual time. */
    record TimedEvent(long at, String system, LacpEvent event) {
    }

    final List<TimedEvent> timed = new ArrayList<>();

    String dump() {
        return String.join("\n", log);
    }
}
