package io.lacpd.core.pdu;

/**
 * A decoded LACPDU (802.1AX-2014 6.4.2). Version 2 TLVs beyond the collector information are decoded and
 * reported ({@link LacpV2Info}) but never produced: this stack speaks version 1.
 *
 * @param version           the Version_Number octet as received (1 for what we send)
 * @param actor             Actor Information TLV
 * @param partner           Partner Information TLV
 * @param collectorMaxDelay CollectorMaxDelay, in tens of microseconds
 * @param v2                the TLVs after the Collector Information TLV, {@link LacpV2Info#NONE} when none; not encoded
 */
public record Lacpdu(int version, PortInfo actor, PortInfo partner, int collectorMaxDelay, LacpV2Info v2) {

    /** The version this stack sends. */
    public static final int VERSION_1 = 1;

    public Lacpdu {
        if (version < 0 || version > 0xFF) {
            throw new IllegalArgumentException("version out of range: " + version);
        }
        if (collectorMaxDelay < 0 || collectorMaxDelay > 0xFFFF) {
            throw new IllegalArgumentException("collector max delay out of range: " + collectorMaxDelay);
        }
        if (actor == null || partner == null || v2 == null) {
            throw new IllegalArgumentException("actor, partner and v2 information are required");
        }
    }

    /** A LACPDU with no TLV after the Collector Information TLV. */
    public Lacpdu(int version, PortInfo actor, PortInfo partner, int collectorMaxDelay) {
        this(version, actor, partner, collectorMaxDelay, LacpV2Info.NONE);
    }
}
