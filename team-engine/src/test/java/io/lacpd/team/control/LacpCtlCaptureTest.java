package io.lacpd.team.control;

import io.lacpd.transport.FrameLog;
import io.lacpd.transport.PcapFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lacpctl capture}: its request lines, the file it writes from a large answer, and its errors. */
class LacpCtlCaptureTest {

    @TempDir
    Path dir;
    private ControlServer server;
    private final AtomicReference<String> asked = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void daemon(String answer) throws IOException {
        server = new ControlServer(dir.resolve("team0.sock"), request -> {
            asked.set(request);
            return answer;
        });
        server.start();
    }

    private LacpCtl.Outcome lacpctl(String... args) {
        return LacpCtl.execute(List.of(args), dir);
    }

    /** As many full-size frames as one answer holds at most: the control socket carries them whole. */
    @Test
    void theLargestAnswerIsWrittenWholeAsAPrivateFile() throws IOException {
        List<FrameLog.Frame> frames = new ArrayList<>();
        int n = (FrameLog.MAX_PCAP_BYTES - PcapFile.HEADER) / (PcapFile.RECORD_HEADER + FrameLog.SNAPLEN);
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[FrameLog.SNAPLEN];
            data[0] = (byte) i;
            frames.add(new FrameLog.Frame("eth1", 1_700_000_000_000_000L + i, i, FrameLog.Direction.RECEIVED,
                    FrameLog.SNAPLEN, data));
        }
        byte[] pcap = PcapFile.of(frames);
        daemon(Base64.getEncoder().encodeToString(pcap) + "\n");
        Path file = dir.resolve("lacp.pcap");
        Files.writeString(file, "an older file");
        assertEquals(new LacpCtl.Outcome(0, n + " frames written to " + file + "\n", ""),
                lacpctl("capture", "team0", "eth1", "-w", file.toString()));
        assertEquals("capture eth1", asked.get());
        assertArrayEquals(pcap, Files.readAllBytes(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(0, lacpctl("capture", "team0", "-w", file.toString()).status());
        assertEquals("capture", asked.get(), "every port");
    }

    @Test
    void anErrorOrAnAnswerThatIsNoPcapFileExits1() throws IOException {
        daemon("error: no frames of 'eth9' (expected one of: eth1, eth2)\n");
        Path file = dir.resolve("lacp.pcap");
        LacpCtl.Outcome o = lacpctl("capture", "team0", "eth9", "-w", file.toString());
        assertEquals(new LacpCtl.Outcome(1, "", "lacpctl: team0: no frames of 'eth9' (expected one of: eth1, eth2)\n"), o);
        assertTrue(Files.notExists(file));
        stop();
        daemon("ok: something else\n");
        assertEquals(1, lacpctl("capture", "team0", "-w", file.toString()).status());
        assertTrue(Files.notExists(file));
        assertEquals(2, lacpctl("capture", "team0").status(), "-w is required");
    }
}
