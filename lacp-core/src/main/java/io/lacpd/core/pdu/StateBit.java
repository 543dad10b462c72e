package io.lacpd.core.pdu;

/**
 * The eight bits of an Actor_State or Partner_State octet, 802.1AX-2014 6.4.2.3 (bit 0 is the least significant).
 */
public enum StateBit {
    /** 1 = Active LACP, 0 = Passive: whether the port sends without being spoken to. */
    LACP_ACTIVITY(0x01),
    /** 1 = Short timeout (3 s), 0 = Long timeout (90 s): how fast the sender wants to be told. */
    LACP_TIMEOUT(0x02),
    /** 1 = the link may be aggregated, 0 = it is an Individual link. */
    AGGREGATION(0x04),
    /** 1 = the link is attached to the right aggregator (in sync). */
    SYNCHRONIZATION(0x08),
    /** 1 = collection of incoming frames is enabled. */
    COLLECTING(0x10),
    /** 1 = distribution of outgoing frames is enabled. */
    DISTRIBUTING(0x20),
    /** 1 = the sender uses administrative defaults for its partner (none heard). */
    DEFAULTED(0x40),
    /** 1 = the sender's Receive machine is in EXPIRED. */
    EXPIRED(0x80);

    private final int mask;

    StateBit(int mask) {
        this.mask = mask;
    }

    /** The bit's mask in the state octet. */
    public int mask() {
        return mask;
    }
}
