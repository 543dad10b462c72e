package io.lacpd.core.pdu;

import io.netty.buffer.ByteBuf;

/**
 * A 48-bit IEEE 802 MAC address held in the low bits of a long.
 * Printed as lower-case colon hex ({@code 02:00:00:00:00:0a}), as in the JSON status.
 */
public record MacAddress(long bits) {

    /** All zeros: the "no system" value of a defaulted partner. */
    public static final MacAddress ZERO = new MacAddress(0);

    /** 01-80-C2-00-00-02, the Slow_Protocols_Multicast address (802.3 Annex 57A). */
    public static final MacAddress SLOW_PROTOCOLS_MULTICAST = new MacAddress(0x0180C2000002L);

    public MacAddress {
        if ((bits & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new IllegalArgumentException("MAC address wider than 48 bits: 0x" + Long.toHexString(bits));
        }
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff} (also with '-' separators, any case).
     *
     * @throws IllegalArgumentException naming the text when it is not a MAC address
     */
    public static MacAddress parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("bad MAC address '" + text + "' (expected: six hex octets like 02:00:00:00:00:0a)");
        }
        long v = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) {
                throw new IllegalArgumentException("bad MAC address '" + text + "' (expected: six hex octets like 02:00:00:00:00:0a)");
            }
            try {
                v = (v << 8) | Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad MAC address '" + text + "' (expected: six hex octets like 02:00:00:00:00:0a)");
            }
        }
        return new MacAddress(v);
    }

    /** Reads six octets at an absolute index, leaving the buffer's indexes alone. */
    public static MacAddress get(ByteBuf buf, int index) {
        long hi = buf.getUnsignedShort(index);
        long lo = buf.getUnsignedInt(index + 2);
        return new MacAddress((hi << 32) | lo);
    }

    /** Writes six octets at the writer index. */
    public void write(ByteBuf buf) {
        buf.writeShort((int) (bits >>> 32));
        buf.writeInt((int) bits);
    }

    /** True for group (multicast or broadcast) addresses: the I/G bit of the first octet. */
    public boolean isMulticast() {
        return (bits & 0x0100_0000_0000L) != 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int octet = (int) (bits >>> (40 - 8 * i)) & 0xFF;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return sb.toString();
    }
}
