package io.lacpd.core;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.MarkerPdu;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One aggregation port: its variables, its machines, and the few services the machines ask of the system
 * (sending, events, attaching to an aggregator).
 */
final class AggregationPort {

    final String name;
    final MacAddress mac;
    final LacpSystem system;
    final PortVariables vars = new PortVariables();
    final PortStatistics counters = new PortStatistics();
    /** The aggregator that came with this port (it may change hands when another port is removed). */
    Aggregator ownAggregator;

    final ReceiveMachine receive;
    final PeriodicTxMachine periodic;
    final MuxMachine mux;
    final TransmitMachine transmit;
    final ChurnMachine actorChurn;
    final ChurnMachine partnerChurn;
    final MarkerResponder marker;

    PortConfig config;
    int speedMbps;
    Duplex duplex = Duplex.UNKNOWN;
    boolean loopbackReported;
    /** Ours: the port is being removed or its system is shutting down, so it selects nothing any more. */
    boolean leaving;

    // Scheduling state, owned by LacpSystem and DeadlineQueue
    /** Ours: this port's rank in the order ports were added, unique within its system. */
    long addedOrder;
    long deadline;
    int heapIndex = -1;
    boolean queued;

    AggregationPort(LacpSystem system, PortConfig config, MacAddress mac, Aggregator ownAggregator) {
        this.name = config.name();
        this.mac = mac;
        this.system = system;
        this.ownAggregator = ownAggregator;
        this.receive = new ReceiveMachine(this);
        this.periodic = new PeriodicTxMachine(vars);
        this.mux = new MuxMachine(this);
        this.transmit = new TransmitMachine(this);
        this.actorChurn = new ChurnMachine(this, ChurnMachine.Side.ACTOR);
        this.partnerChurn = new ChurnMachine(this, ChurnMachine.Side.PARTNER);
        this.marker = new MarkerResponder(this);
        applyConfig(config);
    }

    /** Takes the administrative values into the actor variables (6.4.7). */
    void applyConfig(PortConfig c) {
        config = c;
        vars.actorPortNumber = c.portNumber();
        vars.actorPortPriority = c.portPriority();
        vars.actorOperPortKey = c.key();
        vars.partnerAdmin = c.partnerAdmin();
        LacpState admin = LacpState.NONE
                .with(StateBit.LACP_ACTIVITY, c.activity() == LacpActivity.ACTIVE)
                .with(StateBit.LACP_TIMEOUT, c.timeout() == LacpTimeout.SHORT)
                .with(StateBit.AGGREGATION, c.aggregatable());
        int adminBits = StateBit.LACP_ACTIVITY.mask() | StateBit.LACP_TIMEOUT.mask() | StateBit.AGGREGATION.mask();
        vars.actorOperPortState = (vars.actorOperPortState & ~adminBits) | admin.bits();
    }

    void emit(LacpEvent event) {
        system.emit(event);
    }

    /** This port as it describes itself in its LACPDUs. */
    PortInfo actorInfo() {
        SystemConfig s = system.config();
        return new PortInfo(s.systemPriority(), s.systemMac(), vars.actorOperPortKey, vars.actorPortPriority,
                vars.actorPortNumber, new LacpState(vars.actorOperPortState));
    }

    /** True when {@code info} names this port: system priority, system, key, port priority and port. */
    boolean isActor(PortInfo info) {
        SystemConfig s = system.config();
        return info.port() == vars.actorPortNumber && info.portPriority() == vars.actorPortPriority
                && info.key() == vars.actorOperPortKey && info.systemPriority() == s.systemPriority()
                && info.system().equals(s.systemMac());
    }

    /** The partner is this very system: the link loops back to us. */
    boolean loopback() {
        SystemConfig s = system.config();
        return !vars.actor(StateBit.DEFAULTED) && vars.partnerOper.system().equals(s.systemMac())
                && vars.partnerOper.systemPriority() == s.systemPriority();
    }

    int collectorMaxDelay() {
        return system.config().collectorMaxDelay();
    }

    boolean transmitLacpdu(Lacpdu pdu) {
        boolean sent = system.transmitLacpdu(this, pdu);
        if (sent) {
            counters.lacpduTx++;
        }
        return sent;
    }

    boolean transmitMarker(MarkerPdu pdu) {
        return system.transmitMarker(this, pdu);
    }

    /**
     * Attach_Mux_To_Aggregator (6.4.9). ATTACHED is entered again from COLLECTING and COLLECTING_DISTRIBUTING
     * (Figures 6-21, 6-22) with the port still attached; that changes nothing.
     */
    void attachMuxToAggregator() {
        Aggregator a = vars.aggregator;
        if (a.attachedPorts.contains(this)) {
            return;
        }
        a.attachedPorts.add(this);
        emit(new LacpEvent.PortAttached(name, a.id));
        emit(new LacpEvent.AggregatorChanged(a.id, names(a.attachedPorts)));
    }

    /** Detach_Mux_From_Aggregator (6.4.9); a no-op for a port that is not attached. */
    void detachMuxFromAggregator() {
        Aggregator a = vars.aggregator;
        if (a != null && a.attachedPorts.remove(this)) {
            emit(new LacpEvent.PortDetached(name, a.id));
            emit(new LacpEvent.AggregatorChanged(a.id, names(a.attachedPorts)));
        }
    }

    /** This port's Ready_N, or its leaving WAITING, may let the other waiting ports attach. */
    void readyChanged() {
        if (vars.aggregator != null) {
            system.wakeWaitingPorts(vars.aggregator, this);
        }
    }

    /** The next time this port's machines need to run, or {@link LacpSystem#NO_DEADLINE}. */
    long nextDeadline(long now) {
        long d = vars.timers.nextDeadline(now);
        if (transmit.waiting() && (d == LacpSystem.NO_DEADLINE || transmit.retryAt() - d < 0)) {
            d = transmit.retryAt();
        }
        return d;
    }

    /** The ports' names, ordered by port number so that output is stable. */
    static List<String> names(List<AggregationPort> ports) {
        List<AggregationPort> sorted = new ArrayList<>(ports);
        sorted.sort(Comparator.comparingInt(p -> p.vars.actorPortNumber));
        List<String> names = new ArrayList<>(sorted.size());
        for (AggregationPort p : sorted) {
            names.add(p.name);
        }
        return List.copyOf(names);
    }
}
