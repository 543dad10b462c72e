package io.lacpd.transport;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pcap file byte for byte, and the record count read back. */
class PcapFileTest {

    @Test
    void anEmptyFileIsTheGlobalHeader() {
        assertEquals("a1b2c3d4" + "0002" + "0004" + "00000000" + "00000000" + "000005ee" + "00000001",
                HexFormat.of().formatHex(PcapFile.of(List.of())));
        assertEquals(0, PcapFile.records(PcapFile.of(List.of())));
    }

    @Test
    void eachFrameHasItsTimeAndBothLengths() {
        FrameLog.Frame a = new FrameLog.Frame("eth0", 1_700_000_000_123_456L, 0, FrameLog.Direction.SENT, 3,
                new byte[] {1, 2, 3});
        FrameLog.Frame b = new FrameLog.Frame("eth0", 1_700_000_001_000_001L, 1, FrameLog.Direction.RECEIVED, 2000,
                new byte[] {(byte) 0xff});
        byte[] file = PcapFile.of(List.of(a, b));
        String hex = HexFormat.of().formatHex(file);
        assertEquals("a1b2c3d400020004000000000000000000" + "0005ee00000001"
                // 1700000000 s = 0x6553f100, 123456 us = 0x0001e240, kept 3, on the wire 3
                + "6553f100" + "0001e240" + "00000003" + "00000003" + "010203"
                + "6553f101" + "00000001" + "00000001" + "000007d0" + "ff", hex);
        assertEquals(2, PcapFile.records(file));
        assertEquals(-1, PcapFile.records(java.util.Arrays.copyOf(file, file.length - 1)), "cut short");
        assertEquals(-1, PcapFile.records(new byte[24]), "no magic");
    }
}
