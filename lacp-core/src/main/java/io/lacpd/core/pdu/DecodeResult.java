package io.lacpd.core.pdu;

/**
 * What {@link SlowProtocolCodec#decode} made of a frame. Bad bytes are a result, never an exception; each
 * outcome maps to one port counter (IEEE8023-LAG-MIB dot3adAggPortStats*).
 */
public sealed interface DecodeResult {

    /** A well-formed LACPDU. */
    record Lacp(MacAddress source, Lacpdu pdu) implements DecodeResult {
    }

    /** A well-formed Marker or Marker Response PDU. */
    record Marker(MacAddress source, MarkerPdu pdu) implements DecodeResult {
    }

    /**
     * An LACP or Marker PDU that breaks the format (bad TLV type or length, truncated), or a Slow Protocols frame
     * whose subtype is an illegal value (0 or 11..255): counted as lacpdu_illegal_rx (dot3adAggPortStatsIllegalRx).
     */
    record Illegal(String reason) implements DecodeResult {
    }

    /**
     * A frame that is not ours: another EtherType or another slow protocol (OAM, OSSP, reserved subtypes 4..9):
     * counted as lacpdu_unknown_rx (dot3adAggPortStatsUnknownRx).
     */
    record Unknown(String reason) implements DecodeResult {
    }
}
