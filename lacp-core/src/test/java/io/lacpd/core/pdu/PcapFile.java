package io.lacpd.core.pdu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the classic libpcap file format (not pcapng) to read and write captures of Ethernet frames:
 * a 24-octet global header, then per frame a 16-octet record header and the captured octets.
 */
final class PcapFile {

    /** LINKTYPE_ETHERNET: each record is an Ethernet frame without FCS. */
    static final int LINKTYPE_ETHERNET = 1;

    private static final int MAGIC_MICROSECONDS = 0xA1B2C3D4;
    private static final int MAGIC_NANOSECONDS = 0xA1B23C4D;
    private static final int GLOBAL_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final int SNAPLEN = 65535;

    private PcapFile() {
    }

    /**
     * The captured octets of every record, in file order. The writer's byte order is taken from the magic number.
     *
     * @throws IllegalArgumentException when the data is not a classic pcap capture of Ethernet frames
     */
    static List<byte[]> read(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (!isMagic(in.getInt(0))) {
            in.order(ByteOrder.BIG_ENDIAN);
            if (!isMagic(in.getInt(0))) {
                throw new IllegalArgumentException("not a classic pcap file: magic 0x" + Integer.toHexString(in.getInt(0)));
            }
        }
        int linkType = in.getInt(20);
        if (linkType != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException("linktype " + linkType + " (expected: 1, Ethernet)");
        }
        List<byte[]> frames = new ArrayList<>();
        in.position(GLOBAL_HEADER_LENGTH);
        while (in.hasRemaining()) {
            in.position(in.position() + 8); // seconds and sub-second part of the timestamp
            byte[] frame = new byte[in.getInt()];
            in.getInt(); // original length on the wire: only the captured octets matter here
            in.get(frame);
            frames.add(frame);
        }
        return frames;
    }

    /** Writes a little-endian, microsecond-resolution Ethernet capture, one frame per second from the epoch. */
    static void write(Path file, List<byte[]> frames) throws IOException {
        int size = GLOBAL_HEADER_LENGTH;
        for (byte[] frame : frames) {
            size += RECORD_HEADER_LENGTH + frame.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC_MICROSECONDS).putShort((short) 2).putShort((short) 4) // format version 2.4
                .putInt(0).putInt(0) // time zone offset and timestamp accuracy, both unused
                .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            out.putInt(i).putInt(0).putInt(frame.length).putInt(frame.length).put(frame);
        }
        Files.write(file, out.array());
    }

    private static boolean isMagic(int magic) {
        return magic == MAGIC_MICROSECONDS || magic == MAGIC_NANOSECONDS;
    }
}
