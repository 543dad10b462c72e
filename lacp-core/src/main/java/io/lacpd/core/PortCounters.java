package io.lacpd.core;

/**
 * A port's frame counters at one moment (IEEE8023-LAG-MIB dot3adAggPortStats*).
 *
 * @param lacpduRx              well-formed LACPDUs received
 * @param lacpduTx              LACPDUs sent
 * @param lacpduIllegalRx       LACP or Marker frames that broke the format, dropped
 * @param lacpduUnknownRx       frames of another EtherType or slow protocol, dropped
 * @param markerRx              Marker PDUs received
 * @param markerResponseRx      Marker Response PDUs received
 * @param markerResponseTx      Marker Response PDUs sent
 * @param markerResponseLimited Markers left unanswered by the rate limit
 * @param lacpduV2Rx            LACPDUs (among lacpduRx) that carried TLVs after the Collector Information TLV
 * @param v2TlvIllegalRx        LACPDUs used for their version 1 information though a TLV after the Collector
 *                              Information TLV was malformed; each is also counted in lacpduRx and lacpduIllegalRx
 * @param lacpduRxDropped       ours: frames the transport dropped unread, past its bound or its rate policing
 */
public record PortCounters(long lacpduRx, long lacpduTx, long lacpduIllegalRx, long lacpduUnknownRx,
                           long markerRx, long markerResponseRx, long markerResponseTx, long markerResponseLimited,
                           long lacpduV2Rx, long v2TlvIllegalRx, long lacpduRxDropped) {

    /** Counters without version 2 TLVs or drops. */
    public PortCounters(long lacpduRx, long lacpduTx, long lacpduIllegalRx, long lacpduUnknownRx, long markerRx,
                        long markerResponseRx, long markerResponseTx, long markerResponseLimited) {
        this(lacpduRx, lacpduTx, lacpduIllegalRx, lacpduUnknownRx, markerRx, markerResponseRx, markerResponseTx,
                markerResponseLimited, 0, 0, 0);
    }
}
