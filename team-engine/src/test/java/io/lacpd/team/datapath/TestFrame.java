package io.lacpd.team.datapath;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Builds test frames octet by octet, in network order, so each test shows the bytes it means. */
public final class TestFrame {

    public static final long DST_MAC = 0x02_00_00_00_00_0bL;
    public static final long SRC_MAC = 0x02_00_00_00_00_0aL;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private TestFrame() {
    }

    /** Nothing yet. */
    public static TestFrame empty() {
        return new TestFrame();
    }

    /** A virtio_net_hdr as the kernel lays it out: two octets, then four u16 fields little-endian. */
    public static TestFrame vnetHeader(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        return new TestFrame().u8(flags).u8(gsoType).le16(hdrLen).le16(gsoSize).le16(csumStart).le16(csumOffset);
    }

    /** A frame that starts with these MACs. */
    public static TestFrame ethernet(long dst, long src) {
        return new TestFrame().mac(dst).mac(src);
    }

    /** An untagged TCP/IPv4 frame with a 20-octet TCP header and no payload. */
    public static TestFrame tcp4(long srcIp, long dstIp, int srcPort, int dstPort) {
        return ethernet(DST_MAC, SRC_MAC).u16(FrameView.ETHERTYPE_IPV4)
                .ipv4(FrameView.PROTO_TCP, srcIp, dstIp, 0).tcp(srcPort, dstPort);
    }

    public TestFrame u8(int v) {
        out.write(v);
        return this;
    }

    public TestFrame u16(int v) {
        return u8(v >>> 8).u8(v);
    }

    public TestFrame le16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public TestFrame u32(long v) {
        return u16((int) (v >>> 16)).u16((int) v);
    }

    public TestFrame u64(long v) {
        return u32(v >>> 32).u32(v);
    }

    public TestFrame mac(long v) {
        return u16((int) (v >>> 32)).u32(v);
    }

    public TestFrame zeros(int n) {
        for (int i = 0; i < n; i++) {
            u8(0);
        }
        return this;
    }

    /** A VLAN tag: TPID and TCI. */
    public TestFrame tag(int tpid, int tci) {
        return u16(tpid).u16(tci);
    }

    /** A 20-octet IPv4 header (IHL 5) with this flags-and-fragment-offset word. */
    public TestFrame ipv4(int protocol, long src, long dst, int flagsAndOffset) {
        return u8(0x45).u8(0).u16(0).u16(0x1234).u16(flagsAndOffset).u8(64).u8(protocol).u16(0).u32(src).u32(dst);
    }

    /** A 40-octet IPv6 header. */
    public TestFrame ipv6(int next, long srcHi, long srcLo, long dstHi, long dstLo) {
        return u32(0x6000_0000L).u16(0).u8(next).u8(64).u64(srcHi).u64(srcLo).u64(dstHi).u64(dstLo);
    }

    /** An IPv6 extension header of 8 * (units + 1) octets: next header, length, then zeros. */
    public TestFrame extension(int next, int units) {
        return u8(next).u8(units).zeros(6 + units * 8);
    }

    /** An IPv6 fragment header: next header, reserved, offset (in 8-octet units) and the M flag, id. */
    public TestFrame fragment6(int next, int offsetUnits, boolean more) {
        return u8(next).u8(0).u16(offsetUnits << 3 | (more ? 1 : 0)).u32(0xabcd);
    }

    /** A 20-octet TCP header, data offset 5. */
    public TestFrame tcp(int srcPort, int dstPort) {
        return u16(srcPort).u16(dstPort).u32(1).u32(0).u8(5 << 4).u8(0x10).u16(65535).u16(0).u16(0);
    }

    /** A TCP header with {@code optionWords} 4-octet words of options (NOPs): data offset 5 + optionWords. */
    public TestFrame tcpWithOptions(int srcPort, int dstPort, int optionWords) {
        u16(srcPort).u16(dstPort).u32(1).u32(0).u8((5 + optionWords) << 4).u8(0x10).u16(65535).u16(0).u16(0);
        for (int i = 0; i < optionWords; i++) {
            u32(0x0101_0101L);
        }
        return this;
    }

    /** Appends another builder's octets. */
    public TestFrame then(TestFrame other) {
        out.writeBytes(other.bytes());
        return this;
    }

    /** An 8-octet UDP header. */
    public TestFrame udp(int srcPort, int dstPort) {
        return u16(srcPort).u16(dstPort).u16(8).u16(0);
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public int length() {
        return out.size();
    }

    /** A heap buffer holding the frame from 0. */
    public ByteBuffer heap() {
        return ByteBuffer.wrap(bytes());
    }

    /** A direct buffer holding the frame at {@code offset}, with {@code slack} spare octets after it. */
    public ByteBuffer direct(int offset, int slack) {
        byte[] b = bytes();
        ByteBuffer buf = ByteBuffer.allocateDirect(offset + b.length + slack);
        buf.put(offset, b);
        return buf;
    }
}
