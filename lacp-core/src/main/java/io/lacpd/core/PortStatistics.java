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
    /** Ours: LACPDUs that carried TLVs after the Collector Information TLV (version 2, 802.1AX-2014 6.4.2.4). */
    long lacpduV2Rx;
    /** Ours: LACPDUs used for their version 1 information though a later TLV was malformed (also in lacpduIllegalRx). */
    long v2TlvIllegalRx;
    /** Ours: why the last illegal frame was illegal, or null. */
    String lastIllegalReason;

    /** Ours: frames the transport dropped before decoding them (its bound or its rate policing). */
    long lacpduRxDropped;

    /** Ours: when the last well-formed LACPDU arrived; read only once {@link #lacpduRx} is above 0. */
    long lastLacpduAt;

    PortCounters snapshot() {
        return new PortCounters(lacpduRx, lacpduTx, lacpduIllegalRx, lacpduUnknownRx, markerRx, markerResponseRx,
                markerResponseTx, markerResponseLimited, lacpduV2Rx, v2TlvIllegalRx, lacpduRxDropped);
    }
}
