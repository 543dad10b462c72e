package io.lacpd.core;

/** Per-port frame counters, named after IEEE8023-LAG-MIB dot3adAggPortStats*; mutable, owned by the port. */
final class PortStatistics {
    long lacpduRx;
    long lacpduTx;
    long lacpduIllegalRx;
    long lacpduUnknownRx;
    long markerRx;
    long markerResponseRx;
    long markerResponseTx;
    /** Ours: Markers left unanswered because of the Slow Protocols rate limit. */
    long markerResponseLimited;
    /** Ours: frames the transport dropped before decoding them (its bound or its rate policing). */
    long lacpduRxDropped;

    PortCounters snapshot() {
        return new PortCounters(lacpduRx, lacpduTx, lacpduIllegalRx, lacpduUnknownRx, markerRx, markerResponseRx,
                markerResponseTx, markerResponseLimited, lacpduRxDropped);
    }
}
