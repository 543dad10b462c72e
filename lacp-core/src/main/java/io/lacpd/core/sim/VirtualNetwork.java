package io.lacpd.core.sim;

import io.lacpd.core.Duplex;
import io.lacpd.core.LacpListener;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Several {@link LacpSystem}s joined by in-memory wires, run in virtual time: hours of protocol time pass in
 * milliseconds, and wires can lose, delay or block frames. Deterministic for a given seed.
 */
public final class VirtualNetwork {

    /** Sees every frame a system hands to a wire, before loss or delay. */
    @FunctionalInterface
    public interface FrameObserver {
        void onFrame(long now, String system, String port, ByteBuf frame);
    }

    private final Random random;
    private final Map<String, LacpSystem> systems = new LinkedHashMap<>();
    private final Map<String, Wire> wiresByEnd = new HashMap<>();
    private final PriorityQueue<Delivery> inFlight = new PriorityQueue<>();
    private final ByteBuf rxBuffer = Unpooled.buffer(256);
    private final List<FrameObserver> observers = new ArrayList<>();
    private long now;
    private long sequence;
    private int nextPortMac = 1;

    public VirtualNetwork(long seed) {
        this.random = new Random(seed);
    }

    /** Current virtual time, nanoseconds since the start. */
    public long now() {
        return now;
    }

    /** Adds a system; its frames go to the wires its ports are connected to. */
    public LacpSystem addSystem(String name, SystemConfig config, LacpListener listener) {
        if (systems.containsKey(name)) {
            throw new IllegalArgumentException("duplicate system " + name);
        }
        LacpSystem s = new LacpSystem(config, (port, frame) -> send(name, port, frame), listener);
        systems.put(name, s);
        return s;
    }

    /** The system of that name. */
    public LacpSystem system(String name) {
        LacpSystem s = systems.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no system " + name);
        }
        return s;
    }

    /** Adds a port with a locally administered MAC of its own; its link stays down until connected. */
    public void addPort(String system, PortConfig config) {
        system(system).addPort(config, new MacAddress(0x0200_0000_0000L | nextPortMac++), now);
    }

    /** Registers an observer of all frames sent. */
    public void observe(FrameObserver observer) {
        observers.add(observer);
    }

    /** Joins two ports with a wire and brings both links up (10 Gb/s, full duplex). */
    public Wire connect(String systemA, String portA, String systemB, String portB) {
        Wire w = new Wire(this, systemA, portA, systemB, portB);
        for (String end : List.of(key(systemA, portA), key(systemB, portB))) {
            if (wiresByEnd.containsKey(end)) {
                throw new IllegalArgumentException("port " + end + " is already connected");
            }
        }
        wiresByEnd.put(key(systemA, portA), w);
        wiresByEnd.put(key(systemB, portB), w);
        w.setUp(true);
        return w;
    }

    /** Takes a wire away; both ends see their link go down. */
    public void disconnect(Wire w) {
        w.setUp(false);
        wiresByEnd.remove(key(w.systemA, w.portA));
        wiresByEnd.remove(key(w.systemB, w.portB));
    }

    /** The wire at a port, or null. */
    public Wire wireAt(String system, String port) {
        return wiresByEnd.get(key(system, port));
    }

    /** Runs for a span of virtual time. */
    public void runFor(long nanos) {
        runUntil(now + nanos);
    }

    /** Runs every delivery and timer due up to and including {@code time}, then sets the clock to it. */
    public void runUntil(long time) {
        while (true) {
            long next = time;
            boolean any = false;
            Delivery d = inFlight.peek();
            if (d != null && d.at - next <= 0) {
                next = d.at;
                any = true;
            }
            for (LacpSystem s : systems.values()) {
                long deadline = s.nextDeadline();
                if (deadline != LacpSystem.NO_DEADLINE && deadline - next <= 0) {
                    next = deadline;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
            now = next;
            while ((d = inFlight.peek()) != null && d.at - now <= 0) {
                inFlight.poll();
                deliver(d);
            }
            for (LacpSystem s : systems.values()) {
                long deadline = s.nextDeadline();
                if (deadline != LacpSystem.NO_DEADLINE && deadline - now <= 0) {
                    s.advance(now);
                }
            }
        }
        now = time;
    }

    /** Frames sent but not yet delivered. */
    public int framesInFlight() {
        return inFlight.size();
    }

    private boolean send(String system, String port, ByteBuf frame) {
        for (FrameObserver o : observers) {
            o.onFrame(now, system, port, frame.duplicate());
        }
        Wire w = wiresByEnd.get(key(system, port));
        if (w == null || !w.up) {
            return false;
        }
        boolean fromA = w.systemA.equals(system) && w.portA.equals(port);
        Wire.Direction dir = fromA ? w.aToB : w.bToA;
        dir.sent++;
        if (dir.blocked || (w.loss > 0 && random.nextDouble() < w.loss)) {
            dir.dropped++;
            return true; // lost on the wire: the sender cannot tell
        }
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        long delay = w.delay == 0 ? 0 : (long) (w.delay * (0.5 + random.nextDouble()));
        inFlight.add(new Delivery(now + delay, sequence++, w, fromA, bytes));
        return true;
    }

    private void deliver(Delivery d) {
        Wire w = d.wire;
        if (!w.up || wiresByEnd.get(key(w.systemA, w.portA)) != w) {
            (d.fromA ? w.aToB : w.bToA).dropped++;
            return; // the wire went down or away while the frame was on it
        }
        LacpSystem to = system(d.fromA ? w.systemB : w.systemA);
        String port = d.fromA ? w.portB : w.portA;
        if (!to.hasPort(port)) {
            (d.fromA ? w.aToB : w.bToA).dropped++;
            return; // the port was removed while its cable stayed plugged in
        }
        (d.fromA ? w.aToB : w.bToA).delivered++;
        rxBuffer.clear().writeBytes(d.bytes);
        to.receive(port, rxBuffer, now);
    }

    /** Hands a raw frame to a port as if it came off its wire: for hostile or hand-made frames. */
    public void inject(String system, String port, byte[] frame) {
        rxBuffer.clear().writeBytes(frame);
        system(system).receive(port, rxBuffer, now);
    }

    void linkChanged(String system, String port, boolean up) {
        if (up) {
            system(system).linkUp(port, 10_000, Duplex.FULL, now);
        } else {
            system(system).linkDown(port, now);
        }
    }

    private static String key(String system, String port) {
        return system + '/' + port;
    }

    private record Delivery(long at, long seq, Wire wire, boolean fromA, byte[] bytes) implements Comparable<Delivery> {
        @Override
        public int compareTo(Delivery o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
