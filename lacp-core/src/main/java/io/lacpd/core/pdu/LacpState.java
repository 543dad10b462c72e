package io.lacpd.core.pdu;

/**
 * An Actor_State or Partner_State octet (802.1AX-2014 6.4.2.3), immutable.
 *
 * @param bits the octet, 0..255
 */
public record LacpState(int bits) {

    /** All bits clear. */
    public static final LacpState NONE = new LacpState(0);

    public LacpState {
        if ((bits & ~0xFF) != 0) {
            throw new IllegalArgumentException("state octet out of range: " + bits);
        }
    }

    /** Builds a state with exactly the given bits set. */
    public static LacpState of(StateBit... set) {
        int b = 0;
        for (StateBit bit : set) {
            b |= bit.mask();
        }
        return new LacpState(b);
    }

    /** True when the bit is set. */
    public boolean has(StateBit bit) {
        return (bits & bit.mask()) != 0;
    }

    /** This state with the bit set or cleared. */
    public LacpState with(StateBit bit, boolean value) {
        int b = value ? bits | bit.mask() : bits & ~bit.mask();
        return b == bits ? this : new LacpState(b);
    }

    /** Wireshark's notation, bit 7 first, '*' for a clear bit: "EFDCSGSA" when all are set. */
    @Override
    public String toString() {
        final String letters = "EFDCSGSA";
        StringBuilder sb = new StringBuilder(8);
        for (int i = 7; i >= 0; i--) {
            sb.append((bits & (1 << i)) != 0 ? letters.charAt(7 - i) : '*');
        }
        return sb.toString();
    }
}
