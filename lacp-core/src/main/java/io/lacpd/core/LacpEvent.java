package io.lacpd.core;

import io.lacpd.core.pdu.PortInfo;

import java.util.List;

/** Something a {@link LacpSystem} reports to its {@link LacpListener}: one record per meaningful change. */
public sealed interface LacpEvent {

    /** The Selection Logic chose an aggregator for the port. */
    record PortSelected(String port, int aggregatorId) implements LacpEvent {
    }

    /** The port gave up its aggregator (a new partner, a changed key, ...) and will select again. */
    record PortUnselected(String port, int aggregatorId) implements LacpEvent {
    }

    /** The Mux attached the port to its aggregator (Attach_Mux_To_Aggregator). */
    record PortAttached(String port, int aggregatorId) implements LacpEvent {
    }

    /** The Mux detached the port from its aggregator (Detach_Mux_From_Aggregator). */
    record PortDetached(String port, int aggregatorId) implements LacpEvent {
    }

    /** The port started or stopped accepting frames (Enable_Collecting / Disable_Collecting). */
    record CollectingChanged(String port, boolean collecting) implements LacpEvent {
    }

    /** The port started or stopped carrying frames (Enable_Distributing / Disable_Distributing). */
    record DistributingChanged(String port, boolean distributing) implements LacpEvent {
    }

    /** The set of ports attached to an aggregator changed; {@code ports} is the new set. */
    record AggregatorChanged(int aggregatorId, List<String> ports) implements LacpEvent {
    }

    /** A LACPDU named a different partner (system, key or port) than the port had. */
    record PartnerChanged(String port, PortInfo previous, PortInfo current) implements LacpEvent {
    }

    /** No LACPDU within the timeout: the partner information expired (Receive machine EXPIRED). */
    record PartnerExpired(String port) implements LacpEvent {
    }

    /** Still no LACPDU: the port uses the administrative partner defaults (Receive machine DEFAULTED). */
    record PartnerDefaulted(String port) implements LacpEvent {
    }

    /** Churn was detected or cleared on the actor's (ours) or the partner's side. */
    record ChurnChanged(String port, boolean actorSide, boolean churn) implements LacpEvent {
    }

    /** A LACPDU from this very system arrived: the link loops back, and the port will not aggregate. */
    record LoopbackDetected(String port) implements LacpEvent {
    }
}
