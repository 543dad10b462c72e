package io.lacpd.team.daemon;

import io.lacpd.transport.FrameLog;
import io.lacpd.transport.PcapFile;

import java.util.Base64;
import java.util.List;

/**
 * The control request {@code capture} or {@code capture IF}: the last slow-protocol frames the team's ports (or
 * one port) received and sent, as a classic pcap file base64-encoded on one line, for Wireshark. Answered on the
 * control thread: the frame log is thread-safe.
 */
final class CaptureRequest {

    /** The request's first word. */
    static final String VERB = "capture";

    private CaptureRequest() {
    }

    /** Whether the request line is this request (well formed or not). */
    static boolean matches(String request) {
        return request.equals(VERB) || request.startsWith(VERB + " ");
    }

    /** The pcap file in base64 on one line, or {@code error: ...}. */
    static String answer(FrameLog log, String request) {
        String[] words = request.strip().split("\\s+");
        if (words.length > 2) {
            return "error: bad request '" + request + "' (expected: capture or capture IF)\n";
        }
        String port = words.length == 2 ? words[1] : null;
        if (port != null && !log.ports().contains(port)) {
            return "error: no frames of '" + port + "' (expected " + (log.ports().isEmpty() ? "a port whose interface"
                    + " was opened" : "one of: " + String.join(", ", log.ports())) + ")\n";
        }
        List<FrameLog.Frame> frames = log.frames(port);
        return Base64.getEncoder().encodeToString(PcapFile.of(frames)) + "\n";
    }
}
