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
 * @param lacpduRxDropped       ours: frames the transport dropped unread, past its bound or its rate policing
 */
public record PortCounters(long lacpduRx, long lacpduTx, long lacpduIllegalRx, long lacpduUnknownRx,
                           long markerRx, long markerResponseRx, long markerResponseTx, long markerResponseLimited,
                           long lacpduRxDropped) {
}
