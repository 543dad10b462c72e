package io.lacpd.team.daemon;

import io.lacpd.transport.FrameLog;
import io.lacpd.transport.PcapFile;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code capture} request line: which lines it takes and its answers before any frame was logged. */
class CaptureRequestTest {

    private final FrameLog log = new FrameLog(() -> 0);

    @Test
    void itTakesCaptureAndCaptureIf() {
        assertTrue(CaptureRequest.matches("capture"));
        assertTrue(CaptureRequest.matches("capture eth1"));
        assertFalse(CaptureRequest.matches("captures"));
    }

    @Test
    void anEmptyLogIsAnEmptyPcapFileAndAnUnknownPortAnError() {
        String answer = CaptureRequest.answer(log, "capture");
        assertTrue(answer.endsWith("\n"));
        assertEquals(0, PcapFile.records(Base64.getDecoder().decode(answer.strip())));
        assertEquals("error: no frames of 'eth9' (expected a port whose interface was opened)\n", CaptureRequest.answer(log, "capture eth9"));
        assertTrue(CaptureRequest.answer(log, "capture eth1 eth2").startsWith("error: bad request"));
    }
}
