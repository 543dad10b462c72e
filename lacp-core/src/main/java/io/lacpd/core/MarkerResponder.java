package io.lacpd.core;

import io.lacpd.core.pdu.MarkerPdu;

/**
 * Marker Responder, 802.1AX-2014 6.5.4.2: answers each Marker on the port it came in on, with the same
 * fields and TLV type Marker Response. Responses are limited so that, with the LACPDUs, the port stays
 * within the Slow Protocols budget of 10 frames in any one second (802.3 Annex 57A); a Marker beyond it is
 * counted and left unanswered.
 */
final class MarkerResponder {

    /** Ours: Marker Responses allowed in any second, leaving room for LACP's 3 within the 10 of Annex 57A. */
    static final int MAX_RESPONSES_PER_SECOND = 7;

    private final AggregationPort port;
    private final SendWindow window = new SendWindow(MAX_RESPONSES_PER_SECOND, ProtocolConstants.FAST_PERIODIC_TIME);

    MarkerResponder(AggregationPort port) {
        this.port = port;
    }

    void onMarker(MarkerPdu marker, long now) {
        if (!port.vars.portEnabled) {
            return;
        }
        if (window.full(now)) {
            port.counters.markerResponseLimited++;
            return;
        }
        if (port.transmitMarker(marker.toResponse())) {
            port.counters.markerResponseTx++;
            window.record(now);
        }
    }
}
