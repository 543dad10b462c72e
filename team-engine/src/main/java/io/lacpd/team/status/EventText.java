package io.lacpd.team.status;

import io.lacpd.core.LacpEvent;
import io.lacpd.core.pdu.PortInfo;

import java.util.List;

/** Words a {@link LacpEvent} as one line of the daemon's log: the port or aggregator, and what happened. */
public final class EventText {

    private EventText() {
    }

    /** The log line for this event, e.g. "eth0: selected aggregator 1". */
    public static String describe(LacpEvent event) {
        if (event instanceof LacpEvent.PortSelected e) {
            return e.port() + ": selected aggregator " + e.aggregatorId();
        }
        if (event instanceof LacpEvent.PortUnselected e) {
            return e.port() + ": left aggregator " + e.aggregatorId();
        }
        if (event instanceof LacpEvent.PortAttached e) {
            return e.port() + ": attached to aggregator " + e.aggregatorId();
        }
        if (event instanceof LacpEvent.PortDetached e) {
            return e.port() + ": detached from aggregator " + e.aggregatorId();
        }
        if (event instanceof LacpEvent.CollectingChanged e) {
            return e.port() + (e.collecting() ? ": collecting" : ": not collecting");
        }
        if (event instanceof LacpEvent.DistributingChanged e) {
            return e.port() + (e.distributing() ? ": distributing" : ": not distributing");
        }
        if (event instanceof LacpEvent.AggregatorChanged e) {
            return "aggregator " + e.aggregatorId() + ": attached ports " + e.ports();
        }
        if (event instanceof LacpEvent.PartnerChanged e) {
            PortInfo p = e.current();
            List<String> odd = OddPartner.of(p);
            return e.port() + ": partner changed to system " + p.systemPriority() + "," + p.system()
                    + " key " + p.key() + " port " + p.portPriority() + "," + p.port()
                    + (odd.isEmpty() ? "" : " (odd partner: " + String.join(", ", odd) + "; accepted, as 802.1AX allows)");
        }
        if (event instanceof LacpEvent.PartnerExpired e) {
            return e.port() + ": partner expired (no LACPDU within the timeout)";
        }
        if (event instanceof LacpEvent.PartnerDefaulted e) {
            return e.port() + ": partner defaulted (still no LACPDU)";
        }
        if (event instanceof LacpEvent.ChurnChanged e) {
            return e.port() + ": " + (e.actorSide() ? "actor" : "partner")
                    + (e.churn() ? " churn detected" : " churn cleared");
        }
        if (event instanceof LacpEvent.LoopbackDetected e) {
            return e.port() + ": loopback (a LACPDU from this system), not aggregating";
        }
        // LacpEvent is sealed; Java 17 cannot check an if-chain for exhaustiveness, so a new kind lands here.
        throw new IllegalArgumentException("no wording for " + event);
    }

    /**
     * What kind of change the event is, for rate limiting the log: its subject and what happened, e.g.
     * "eth0: partner changed", a prefix of {@link #describe} where the wording allows.
     */
    public static String kind(LacpEvent event) {
        if (event instanceof LacpEvent.PortSelected e) {
            return e.port() + ": selected aggregator";
        }
        if (event instanceof LacpEvent.PortUnselected e) {
            return e.port() + ": left aggregator";
        }
        if (event instanceof LacpEvent.PortAttached e) {
            return e.port() + ": attached to aggregator";
        }
        if (event instanceof LacpEvent.PortDetached e) {
            return e.port() + ": detached from aggregator";
        }
        if (event instanceof LacpEvent.CollectingChanged e) {
            return e.port() + ": collecting changed";
        }
        if (event instanceof LacpEvent.DistributingChanged e) {
            return e.port() + ": distributing changed";
        }
        if (event instanceof LacpEvent.AggregatorChanged e) {
            return "aggregator " + e.aggregatorId() + ": attached ports";
        }
        if (event instanceof LacpEvent.PartnerChanged e) {
            return e.port() + ": partner changed";
        }
        if (event instanceof LacpEvent.PartnerExpired e) {
            return e.port() + ": partner expired";
        }
        if (event instanceof LacpEvent.PartnerDefaulted e) {
            return e.port() + ": partner defaulted";
        }
        if (event instanceof LacpEvent.ChurnChanged e) {
            return e.port() + ": " + (e.actorSide() ? "actor" : "partner") + " churn";
        }
        if (event instanceof LacpEvent.LoopbackDetected e) {
            return e.port() + ": loopback";
        }
        throw new IllegalArgumentException("no kind for " + event);
    }
}
