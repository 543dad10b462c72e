package io.lacpd.core;

import io.lacpd.core.PortTimers.Timer;
import io.lacpd.core.pdu.DecodeResult;
import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.lacpd.core.pdu.StateBit;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * One LACP speaker (an 802.1AX-2014 System): its ports, their state machines, and its aggregators.
 *
 * <p>Pure and single-threaded: every call takes the current time in nanoseconds (any origin, compared
 * overflow-safely), does its work at once, and returns. Frames go out through the {@link FrameTransmitter}
 * and changes are reported to the {@link LacpListener}, both during the call. Between calls nothing
 * happens: the caller runs {@link #advance} at {@link #nextDeadline()}.
 *
 * <p>Each port runs its machines in the standard's order (receive, periodic, selection, mux, churn) until
 * none changes state, then the Transmit machine once, so one event sends at most one LACPDU.
 */
public final class LacpSystem {

    /** Returned by {@link #nextDeadline()} when no timer runs. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** A safety bound on the settle loop; the machines settle in a handful of rounds. */
    private static final int MAX_ROUNDS = 64;

    private SystemConfig config;
    private final FrameTransmitter transmitter;
    private final LacpListener listener;
    private final Map<String, AggregationPort> ports = new LinkedHashMap<>();
    private final SelectionLogic selection = new SelectionLogic();
    private final DeadlineQueue schedule = new DeadlineQueue();
    private final ArrayDeque<AggregationPort> runQueue = new ArrayDeque<>();
    private final ByteBuf txBuffer = Unpooled.buffer(SlowProtocolCodec.FRAME_LENGTH);
    private int nextAggregatorId = 1;
    /** The time given with the last call that ran a machine: {@link #snapshot()} measures the timers from it. */
    private long lastNow;
    private long portsAdded;
    /** The ports whose link is down, in the order they were added (as {@link #ports}): port_moved looks here. */
    private final NavigableSet<AggregationPort> disabledPorts = new TreeSet<>(Comparator.comparingLong(p -> p.addedOrder));

    public LacpSystem(SystemConfig config, FrameTransmitter transmitter, LacpListener listener) {
        this.config = config;
        this.transmitter = transmitter;
        this.listener = listener;
    }

    /** The current system settings. */
    public SystemConfig config() {
        return config;
    }

    /**
     * Adds a port, link down until {@link #linkUp}.
     *
     * @param mac the port's own MAC, the source of its frames
     * @throws IllegalArgumentException when the name or port number is already used
     */
    public void addPort(PortConfig portConfig, MacAddress mac, long now) {
        if (ports.containsKey(portConfig.name())) {
            throw new IllegalArgumentException("duplicate port " + portConfig.name());
        }
        checkPortNumberFree(portConfig.name(), portConfig.portNumber());
        Aggregator own = new Aggregator(nextAggregatorId++);
        AggregationPort p = new AggregationPort(this, portConfig, mac, own);
        p.addedOrder = portsAdded++;
        ports.put(p.name, p);
        selection.add(own);
        disabledPorts.add(p);
        run(p, now, null);
        p.vars.begin = false; // BEGIN was seen by every machine in the first round
        run(p, now, null);
        settle(now);
    }

    /**
     * Removes a port: it detaches, telling its partner as {@link #shutdown} does (unless the transmit limit
     * holds the LACPDU back: call {@link #leavePort} first and remove it once {@link #farewellSent(String)}).
     * The other ports are not disturbed, even when their LAG uses the aggregator that came with this port: a
     * free aggregator goes instead.
     */
    public void removePort(String name, long now) {
        AggregationPort p = port(name);
        markLeaving(p);
        run(p, now, null); // detaches (NTT: the farewell), and the Selection Logic releases the aggregator
        setPortEnabled(p, false);
        run(p, now, null);
        settle(now);
        ports.remove(name);
        schedule.remove(p);
        disabledPorts.remove(p);
        selection.withdrawFreeAggregator(p.ownAggregator, ports.values());
    }

    /**
     * The port's link came up. LACP runs only on full-duplex links (LACP_Enabled); a link whose duplex is
     * unknown, as virtual NICs often report, is taken as full duplex.
     */
    public void linkUp(String name, int speedMbps, Duplex duplex, long now) {
        AggregationPort p = port(name);
        p.speedMbps = speedMbps;
        p.duplex = duplex;
        enableLink(p, now);
    }

    /**
     * The link is up: LACP_Enabled from its duplex and the port's setting. A change of LACP_Enabled on a live
     * link goes through PORT_DISABLED, as a renegotiation would.
     */
    private void enableLink(AggregationPort p, long now) {
        boolean lacpEnabled = p.duplex != Duplex.HALF && p.config.lacpEnabled();
        if (p.vars.portEnabled && p.vars.lacpEnabled != lacpEnabled) {
            setPortEnabled(p, false);
            run(p, now, null);
        }
        p.vars.lacpEnabled = lacpEnabled;
        setPortEnabled(p, true);
        run(p, now, null);
        settle(now);
    }

    /** The port's link went down. */
    public void linkDown(String name, long now) {
        AggregationPort p = port(name);
        setPortEnabled(p, false);
        run(p, now, null);
        settle(now);
    }

    /**
     * A frame arrived on a port: a whole Ethernet frame between the buffer's reader and writer indexes. Bad
     * frames are counted and dropped. The buffer is not retained.
     */
    public void receive(String name, ByteBuf frame, long now) {
        AggregationPort p = port(name);
        DecodeResult result = SlowProtocolCodec.decode(frame);
        if (result instanceof DecodeResult.Lacp lacp) {
            p.counters.lacpduRx++;
            p.counters.lastLacpduAt = now;
            countV2(p, lacp.pdu().v2());
            onLacpdu(p, lacp.pdu(), now);
        } else if (result instanceof DecodeResult.Marker marker) {
            if (marker.pdu().response()) {
                p.counters.markerResponseRx++;
            } else {
                p.counters.markerRx++;
                p.marker.onMarker(marker.pdu(), now);
            }
        } else if (result instanceof DecodeResult.Illegal illegal) {
            p.counters.lacpduIllegalRx++;
            p.counters.lastIllegalReason = illegal.reason();
        } else {
            p.counters.lacpduUnknownRx++;
        }
    }

    /** A malformed version 2 TLV makes the PDU illegal for the counters, while its version 1 information is used. */
    private static void countV2(AggregationPort p, LacpV2Info v2) {
        if (v2.present()) {
            p.counters.lacpduV2Rx++;
        }
        if (!v2.problems().isEmpty()) {
            p.counters.v2TlvIllegalRx++;
            p.counters.lacpduIllegalRx++;
            p.counters.lastIllegalReason = String.join("; ", v2.problems());
        }
    }

    /**
     * Counts frames the caller dropped on a port without handing them to {@link #receive}: its ingress was
     * full, the port exceeded its rate, or the kernel dropped them before the capture read them
     * (lacpdu_rx_dropped). Nothing else changes.
     */
    public void countDropped(String name, long frames) {
        port(name).counters.lacpduRxDropped += frames;
    }

    /**
     * Asks the port to send a LACPDU now (NTT), as a change of its own would; the transmit limit still holds.
     * Ours, not the standard's: the transport calls it when a flood on the port has ended, since meanwhile
     * both ends may have defaulted and fallen to Slow_Periodic_Time, and would otherwise find each other
     * again only after 30 s.
     */
    public void announce(String name, long now) {
        AggregationPort p = port(name);
        p.vars.ntt = true;
        run(p, now, null);
        settle(now);
    }

    private void onLacpdu(AggregationPort p, Lacpdu pdu, long now) {
        run(p, now, pdu);
        if (p.receive.state() == ReceiveState.CURRENT) {
            boolean loopback = p.loopback();
            if (loopback && !p.loopbackReported) {
                emit(new LacpEvent.LoopbackDetected(p.name));
            }
            p.loopbackReported = loopback;
            if (!disabledPorts.isEmpty()) {
                markMovedPorts(p);
            }
        }
        settle(now);
    }

    /**
     * port_moved (6.4.8): a disabled port whose partner (system and port) now speaks on another port lets
     * go of its partner information at once. Only ports with their link down can be in PORT_DISABLED.
     */
    private void markMovedPorts(AggregationPort p) {
        MacAddress system = p.vars.partnerOper.system();
        int portNumber = p.vars.partnerOper.port();
        for (AggregationPort q : disabledPorts) {
            if (q != p && q.receive.state() == ReceiveState.PORT_DISABLED
                    && q.vars.partnerOper.port() == portNumber && q.vars.partnerOper.system().equals(system)) {
                q.vars.portMoved = true;
                enqueue(q);
            }
        }
    }

    /** Runs every port whose deadline has come. */
    public void advance(long now) {
        while (!schedule.isEmpty() && schedule.peek().deadline - now <= 0) {
            AggregationPort p = schedule.peek();
            schedule.remove(p);
            run(p, now, null);
        }
        settle(now);
    }

    /** When {@link #advance} must next be called, or {@link #NO_DEADLINE}. */
    public long nextDeadline() {
        return schedule.isEmpty() ? NO_DEADLINE : schedule.peek().deadline;
    }

    /**
     * Applies new system settings. A new system priority or MAC changes every LAG ID, and a new mux control
     * changes every mux, so all ports select again; a new collector delay is only announced (NTT).
     */
    public void reconfigure(SystemConfig newConfig, long now) {
        SystemConfig old = config;
        config = newConfig;
        boolean reselect = old.systemPriority() != newConfig.systemPriority()
                || !old.systemMac().equals(newConfig.systemMac()) || old.muxControl() != newConfig.muxControl();
        for (AggregationPort p : ports.values()) {
            if (reselect) {
                p.vars.selected = Selected.UNSELECTED;
            }
            p.vars.ntt = true;
            enqueue(p);
        }
        settle(now);
    }

    /**
     * Applies new settings to a port, as 802.1AX-2014 6.4.7 and 6.4.14 ask: any change is announced at once
     * (NTT); a new key or Aggregation setting changes the LAG ID, so the port selects again, and so does an
     * Individual port whose port number or priority changed. New partner admin values replace the partner of a
     * port that is DEFAULTED.
     *
     * @throws IllegalArgumentException for an unknown port or a port number used by another port
     */
    public void reconfigurePort(PortConfig newConfig, long now) {
        AggregationPort p = port(newConfig.name());
        PortConfig old = p.config;
        if (newConfig.equals(old)) {
            return;
        }
        if (old.portNumber() != newConfig.portNumber()) {
            checkPortNumberFree(newConfig.name(), newConfig.portNumber());
        }
        p.applyConfig(newConfig);
        boolean newLagId = old.key() != newConfig.key() || old.aggregatable() != newConfig.aggregatable();
        boolean newPortId = old.portNumber() != newConfig.portNumber() || old.portPriority() != newConfig.portPriority();
        if (newLagId || (newPortId && !p.vars.aggregatable())) {
            p.vars.selected = Selected.UNSELECTED;
        }
        if (!old.partnerAdmin().equals(newConfig.partnerAdmin())) {
            p.receive.partnerAdminChanged();
        }
        p.vars.ntt = true;
        run(p, now, null);
        settle(now);
        if (old.lacpEnabled() != newConfig.lacpEnabled() && p.vars.portEnabled) {
            enableLink(p, now);
        }
    }

    /**
     * Leaves every aggregation: each port detaches, and its partner is told at once by a LACPDU with
     * Synchronization, Collecting and Distributing cleared (the mux's DETACHED state sets NTT), so that it
     * stops using the links without waiting for a timeout. Nothing is selected afterwards. Should the
     * transmit limit hold a farewell back, keep calling {@link #advance} at {@link #nextDeadline()} until
     * {@link #farewellSent()}: at most one Fast_Periodic_Time.
     */
    public void shutdown(long now) {
        for (AggregationPort p : ports.values()) {
            leave(p);
        }
        settle(now);
    }

    /**
     * One port leaves its aggregation as in {@link #shutdown}, the others carry on: it detaches, tells its
     * partner, and selects nothing from then on. It stays until {@link #removePort}, so that a farewell the
     * transmit limit holds back still goes out (see {@link #farewellSent(String)}).
     */
    public void leavePort(String name, long now) {
        leave(port(name));
        settle(now);
    }

    private void leave(AggregationPort p) {
        markLeaving(p);
        enqueue(p);
    }

    /** The port selects nothing from now on; its next run detaches it, and the mux's DETACHED sets NTT. */
    private static void markLeaving(AggregationPort p) {
        p.leaving = true;
        p.vars.selected = Selected.UNSELECTED;
    }

    /** After {@link #shutdown}: true once every port that can send has sent its farewell LACPDU. */
    public boolean farewellSent() {
        for (AggregationPort p : ports.values()) {
            if (farewellWaiting(p)) {
                return false;
            }
        }
        return true;
    }

    /** After {@link #leavePort}: true once that port has sent its farewell LACPDU, or cannot send. */
    public boolean farewellSent(String name) {
        return !farewellWaiting(port(name));
    }

    private static boolean farewellWaiting(AggregationPort p) {
        return p.vars.ntt && p.transmit.waiting();
    }

    /** True when a port of that name exists. */
    public boolean hasPort(String name) {
        return ports.containsKey(name);
    }

    /** The ports' names, in the order they were added. */
    public List<String> portNames() {
        return List.copyOf(ports.keySet());
    }

    /**
     * An immutable picture of every port and aggregator, its timers measured from the time of the last call that
     * ran the machines (see {@link #snapshot(long)} for the time left as of now).
     */
    public SystemSnapshot snapshot() {
        return snapshot(lastNow);
    }

    /** An immutable picture of every port and aggregator, with the time left on each timer at {@code now}. */
    public SystemSnapshot snapshot(long now) {
        List<AggregatorSnapshot> aggs = new ArrayList<>();
        for (Aggregator a : selection.aggregators()) {
            if (a.free()) {
                continue;
            }
            List<AggregationPort> distributing = new ArrayList<>();
            for (AggregationPort p : a.attachedPorts) {
                if (p.vars.actor(StateBit.DISTRIBUTING)) {
                    distributing.add(p);
                }
            }
            aggs.add(new AggregatorSnapshot(a.id, a.actorOperKey, a.partnerSystemPriority, a.partnerSystem,
                    a.partnerOperKey, a.individual, AggregationPort.names(a.selectedPorts),
                    AggregationPort.names(a.attachedPorts), AggregationPort.names(distributing)));
        }
        aggs.sort((x, y) -> Integer.compare(x.id(), y.id()));
        List<PortSnapshot> portSnapshots = new ArrayList<>(ports.size());
        for (AggregationPort p : ports.values()) {
            portSnapshots.add(snapshot(p, now));
        }
        return new SystemSnapshot(config.systemPriority(), config.systemMac(), config.aggregateWaitTime(), aggs,
                portSnapshots);
    }

    private PortSnapshot snapshot(AggregationPort p, long now) {
        PortVariables v = p.vars;
        return new PortSnapshot(p.name, new PortSnapshot.LinkStatus(v.portEnabled, p.speedMbps, p.duplex),
                v.selected == Selected.SELECTED, v.aggregator == null ? 0 : v.aggregator.id,
                p.receive.state(), p.periodic.state(), p.mux.state(), p.actorInfo(),
                v.partnerOper,
                new PortSnapshot.ChurnStatus(p.actorChurn.state(), p.partnerChurn.state(),
                        v.actorChurnCount, v.partnerChurnCount),
                p.counters.snapshot(), failureReason(p), v.partnerV2, p.counters.lastIllegalReason,
                timers(p, now), p.counters.lacpduRx == 0 ? -1 : Math.max(0, now - p.counters.lastLacpduAt));
    }

    /**
     * The timers the machines read in their present states: current_while in CURRENT and EXPIRED, wait_while in
     * WAITING (the standard leaves them be elsewhere, expired and unread), the periodic timer unless NO_PERIODIC.
     */
    private static PortSnapshot.Timers timers(AggregationPort p, long now) {
        PortTimers t = p.vars.timers;
        ReceiveState r = p.receive.state();
        return new PortSnapshot.Timers(
                r == ReceiveState.CURRENT || r == ReceiveState.EXPIRED ? t.left(Timer.CURRENT_WHILE, now) : -1,
                t.left(Timer.PERIODIC, now), p.mux.state() == MuxState.WAITING ? t.left(Timer.WAIT_WHILE, now) : -1);
    }

    /** Why a port does not distribute, the first fact that holds; null when it does. */
    private static FailureReason failureReason(AggregationPort p) {
        PortVariables v = p.vars;
        if (v.actor(StateBit.DISTRIBUTING)) {
            return null;
        }
        if (!v.portEnabled) {
            return FailureReason.LINK_DOWN;
        }
        if (!v.lacpEnabled) {
            return FailureReason.LACP_DISABLED;
        }
        if (p.loopback()) {
            return FailureReason.LOOPBACK;
        }
        if (p.receive.state() == ReceiveState.EXPIRED) {
            return FailureReason.PARTNER_EXPIRED;
        }
        if (p.receive.state() == ReceiveState.DEFAULTED) {
            return FailureReason.PARTNER_DEFAULTED;
        }
        if (v.selected != Selected.SELECTED) {
            return FailureReason.NOT_SELECTED;
        }
        return switch (p.mux.state()) {
            case WAITING -> FailureReason.WAITING;
            case ATTACHED -> FailureReason.PARTNER_NOT_IN_SYNC;
            case COLLECTING -> FailureReason.PARTNER_NOT_COLLECTING;
            default -> FailureReason.DETACHED;
        };
    }

    // ---- services for the ports and machines -------------------------------------------------------

    void emit(LacpEvent event) {
        listener.onEvent(event);
    }

    boolean transmitLacpdu(AggregationPort p, Lacpdu pdu) {
        txBuffer.clear();
        SlowProtocolCodec.encodeLacpdu(txBuffer, p.mac, pdu);
        return transmitter.transmit(p.name, txBuffer);
    }

    /** When the frame just transmitted really went out, the call having begun at {@code began}. */
    long sentAt(long began) {
        return transmitter.sentAt(began);
    }

    boolean transmitMarker(AggregationPort p, MarkerPdu pdu) {
        txBuffer.clear();
        SlowProtocolCodec.encodeMarker(txBuffer, p.mac, pdu);
        return transmitter.transmit(p.name, txBuffer);
    }

    /** Ports still WAITING on this aggregator are run again: it may have become Ready for them. */
    void wakeWaitingPorts(Aggregator a, AggregationPort changed) {
        for (AggregationPort q : a.selectedPorts) {
            if (q != changed && q.mux.state() == MuxState.WAITING) {
                enqueue(q);
            }
        }
    }

    // ---- running the machines ------------------------------------------------------------------------

    private void run(AggregationPort p, long now, Lacpdu pdu) {
        lastNow = now;
        PortVariables v = p.vars;
        MuxControl control = config.muxControl();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean changed = p.receive.step(now, pdu);
            pdu = null; // an indication is seen once
            changed |= p.periodic.step(now);
            changed |= selection.select(p);
            changed |= p.mux.step(now, control);
            changed |= p.actorChurn.step(now);
            changed |= p.partnerChurn.step(now);
            if (!changed || v.begin) {
                break;
            }
        }
        p.transmit.step(now);
        long next = p.nextDeadline(now);
        if (next == NO_DEADLINE) {
            schedule.remove(p);
        } else {
            schedule.schedule(p, next);
        }
    }

    private void enqueue(AggregationPort p) {
        if (!p.queued) {
            p.queued = true;
            runQueue.add(p);
        }
    }

    /** Runs the ports that other ports' changes concern, until none is left. */
    private void settle(long now) {
        AggregationPort p;
        while ((p = runQueue.poll()) != null) {
            p.queued = false;
            if (ports.get(p.name) == p) {
                run(p, now, null);
            }
        }
    }

    private void setPortEnabled(AggregationPort p, boolean enabled) {
        if (p.vars.portEnabled != enabled) {
            p.vars.portEnabled = enabled;
            if (enabled) {
                disabledPorts.remove(p);
            } else {
                disabledPorts.add(p);
            }
        }
    }

    private void checkPortNumberFree(String name, int portNumber) {
        for (AggregationPort q : ports.values()) {
            if (!q.name.equals(name) && q.vars.actorPortNumber == portNumber) {
                throw new IllegalArgumentException("port " + name + ": port number " + portNumber
                        + " is already used by port " + q.name);
            }
        }
    }

    private AggregationPort port(String name) {
        AggregationPort p = ports.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no port " + name);
        }
        return p;
    }
}
