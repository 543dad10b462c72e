package io.lacpd.core.pdu;

import java.util.Arrays;
import java.util.List;

/**
 * The version 2 TLVs of one LACPDU (802.1AX-2014 6.4.2.4), as its sender put them between the Collector Information
 * TLV and the Terminator. This stack speaks version 1: it reads and reports them, and acts on none. A TLV that was
 * not sent is null; a TLV that was malformed is left out and named in {@link #problems}.
 *
 * @param tlvs                 every TLV after the Collector Information TLV, in order, up to the Terminator (or to
 *                             where the walk had to stop), known or not
 * @param portAlgorithm        Port Algorithm TLV (type 0x04), or null
 * @param conversationIdDigest Port Conversation ID Digest TLV (type 0x05), or null
 * @param conversationMask     Port Conversation Mask-1..4 TLVs (types 0x06..0x09), or null when none was sent
 * @param serviceMappingDigest Port Conversation Service Mapping Digest TLV (type 0x0A): its 16-octet digest, or null
 * @param problems             why TLVs were malformed, each as "got X (expected: Y)"; empty when all were well formed
 */
public record LacpV2Info(List<Tlv> tlvs, PortAlgorithm portAlgorithm, ConversationIdDigest conversationIdDigest,
                         ConversationMask conversationMask, Digest serviceMappingDigest, List<String> problems) {

    /** A LACPDU with nothing after its Collector Information TLV. */
    public static final LacpV2Info NONE = new LacpV2Info(List.of(), null, null, null, null, List.of());

    /** TLV type of the Port Algorithm TLV. */
    public static final int TLV_PORT_ALGORITHM = 0x04;
    /** TLV type of the Port Conversation ID Digest TLV. */
    public static final int TLV_CONVERSATION_ID_DIGEST = 0x05;
    /** TLV type of the Port Conversation Mask-1 TLV; Mask-2, -3 and -4 follow as 0x07, 0x08, 0x09. */
    public static final int TLV_CONVERSATION_MASK_1 = 0x06;
    /** TLV type of the Port Conversation Service Mapping Digest TLV. */
    public static final int TLV_SERVICE_MAPPING_DIGEST = 0x0A;

    public LacpV2Info {
        tlvs = List.copyOf(tlvs);
        problems = List.copyOf(problems);
    }

    /** True when the LACPDU carried any TLV after the Collector Information TLV. */
    public boolean present() {
        return !tlvs.isEmpty();
    }

    /** One TLV as found: its type and length octets. */
    public record Tlv(int type, int length) {
    }

    /**
     * Actor_Port_Algorithm (6.4.2.4.1): an OUI or CID and an algorithm number, 4 octets.
     *
     * @param value the 4 octets, big-endian
     */
    public record PortAlgorithm(int value) {

        /** The IEEE 802.1 OUI, 00-80-C2, of the standard's algorithms (802.1AX-2014 Table 6-4). */
        public static final int IEEE_8021_OUI = 0x0080C2;

        private static final List<String> IEEE_NAMES = List.of("unspecified", "C-VID", "S-VID", "I-SID", "TE-SID",
                "ECMP flow hash");

        /** The OUI or CID: the first three octets. */
        public int oui() {
            return value >>> 8;
        }

        /** The algorithm number: the last octet. */
        public int algorithm() {
            return value & 0xFF;
        }

        /** The IEEE algorithm's name (C-VID, S-VID, I-SID, TE-SID, ECMP flow hash, ...), else "reserved" or "vendor". */
        public String name() {
            if (oui() != IEEE_8021_OUI) {
                return "vendor";
            }
            return algorithm() < IEEE_NAMES.size() ? IEEE_NAMES.get(algorithm()) : "reserved";
        }

        /** {@code 00-80-C2:5}: the OUI as the standard writes it, and the number. */
        @Override
        public String toString() {
            return String.format("%02X-%02X-%02X:%d", oui() >>> 16, (oui() >>> 8) & 0xFF, oui() & 0xFF, algorithm());
        }
    }

    /** A 16-octet digest (MD5, 802.1AX-2014 6.6.2.1), as two big-endian halves. */
    public record Digest(long high, long low) {

        /** 32 lowercase hex digits. */
        @Override
        public String toString() {
            return String.format("%016x%016x", high, low);
        }
    }

    /**
     * Port Conversation ID Digest TLV (6.4.2.4.2).
     *
     * @param linkNumberId Link_Number_ID of the sending port
     * @param digest       Actor_Conversation_LinkList_Digest
     */
    public record ConversationIdDigest(int linkNumberId, Digest digest) {
    }

    /**
     * Port Conversation Mask-1..4 TLVs (6.4.2.4.3): Port_Oper_Conversation_Mask, one bit per Port Conversation ID
     * 0..4095, 1024 to a TLV, and the Port_Conversation_Mask_State octet that Mask-1 carries. Immutable.
     */
    public static final class ConversationMask {

        /** Octets of one Mask TLV's share of the mask. */
        public static final int OCTETS_PER_TLV = 128;

        private final int state;
        private final int present;
        private final byte[] mask;

        /**
         * @param state   Port_Conversation_Mask_State, or -1 when Mask-1 was not sent
         * @param present bit {@code i - 1} set when Mask-i was sent
         * @param mask    the 512 octets of the mask, zero where a Mask TLV was not sent; copied
         */
        public ConversationMask(int state, int present, byte[] mask) {
            if (mask.length != 4 * OCTETS_PER_TLV) {
                throw new IllegalArgumentException("mask of " + mask.length + " octets (expected: 512)");
            }
            this.state = state;
            this.present = present;
            this.mask = mask.clone();
        }

        /** Port_Conversation_Mask_State, or -1 when Mask-1 was not sent. */
        public int state() {
            return state;
        }

        /** True when Mask-{@code i} (1..4) was sent. */
        public boolean present(int i) {
            return (present & (1 << (i - 1))) != 0;
        }

        /** How many Port Conversation IDs the mask sets, in all Mask TLVs sent. */
        public int conversations() {
            int n = 0;
            for (byte b : mask) {
                n += Integer.bitCount(b & 0xFF);
            }
            return n;
        }

        /** How many Port Conversation IDs Mask-{@code i} (1..4) sets. */
        public int conversations(int i) {
            int n = 0;
            for (int k = (i - 1) * OCTETS_PER_TLV; k < i * OCTETS_PER_TLV; k++) {
                n += Integer.bitCount(mask[k] & 0xFF);
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ConversationMask m && m.state == state && m.present == present
                    && Arrays.equals(m.mask, mask);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * state + present) + Arrays.hashCode(mask);
        }

        @Override
        public String toString() {
            return "ConversationMask[state=" + state + ", present=" + Integer.toBinaryString(present)
                    + ", conversations=" + conversations() + "]";
        }
    }
}
