package io.lacpd.transport;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Logged frames as a classic libpcap file (what Wireshark and tcpdump read): magic 0xa1b2c3d4 (big-endian,
 * microsecond timestamps), version 2.4, snap length {@value FrameLog#SNAPLEN}, link type 1 (Ethernet). Pure.
 */
public final class PcapFile {

    /** The global header's size. */
    public static final int HEADER = 24;
    /** Each record header's size. */
    public static final int RECORD_HEADER = 16;
    /** Link type Ethernet. */
    static final int LINKTYPE_ETHERNET = 1;
    static final int MAGIC = 0xa1b2c3d4;

    private PcapFile() {
    }

    /** The file of these frames, in their order. */
    public static byte[] of(List<FrameLog.Frame> frames) {
        int size = HEADER;
        for (FrameLog.Frame f : frames) {
            size += RECORD_HEADER + f.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(FrameLog.SNAPLEN)
                .putInt(LINKTYPE_ETHERNET);
        for (FrameLog.Frame f : frames) {
            b.putInt((int) Math.floorDiv(f.micros(), 1_000_000L)).putInt((int) Math.floorMod(f.micros(), 1_000_000L))
                    .putInt(f.data().length).putInt(f.length()).put(f.data());
        }
        return b.array();
    }

    /** How many records a file made by {@link #of} holds; -1 when it is not one. */
    public static int records(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        if (file.length < HEADER || b.getInt(0) != MAGIC) {
            return -1;
        }
        int n = 0;
        int at = HEADER;
        while (at + RECORD_HEADER <= file.length) {
            int kept = b.getInt(at + 8);
            if (kept < 0 || kept > file.length - at - RECORD_HEADER) {
                return -1;
            }
            at += RECORD_HEADER + kept;
            n++;
        }
        return at == file.length ? n : -1;
    }
}
