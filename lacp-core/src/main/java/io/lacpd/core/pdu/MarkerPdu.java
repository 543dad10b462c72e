package io.lacpd.core.pdu;

/**
 * A Marker or Marker Response PDU (802.1AX-2014 6.5.3).
 *
 * @param response      false for a Marker (TLV type 1), true for a Marker Response (TLV type 2)
 * @param requesterPort Requester_Port
 * @param requesterSystem Requester_System
 * @param transactionId Requester_Transaction_ID, an unsigned 32-bit value
 */
public record MarkerPdu(boolean response, int requesterPort, MacAddress requesterSystem, int transactionId) {

    public MarkerPdu {
        if (requesterPort < 0 || requesterPort > 0xFFFF) {
            throw new IllegalArgumentException("requester port out of range: " + requesterPort);
        }
        if (requesterSystem == null) {
            throw new IllegalArgumentException("requester system is required");
        }
    }

    /** The Marker Response a responder sends for this Marker: the same fields, TLV type 2 (6.5.4.2). */
    public MarkerPdu toResponse() {
        return new MarkerPdu(true, requesterPort, requesterSystem, transactionId);
    }
}
