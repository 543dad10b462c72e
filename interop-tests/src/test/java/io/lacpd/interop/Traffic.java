package io.lacpd.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.team.NetnsLab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host traffic the interop tests send through the team and the peer: ping summaries, iperf3
 * transfers between the lab's two namespaces, and what a namespace's neighbour table says.
 */
public final class Traffic {

    /** iputils: "500 packets transmitted, 498 received"; busybox: "5 packets transmitted, 5 packets received". */
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");
    /** iputils: "rtt min/avg/max/mdev = 0.1/0.2/0.4/0.1 ms"; busybox: "round-trip min/avg/max = 0.1/0.2/0.4 ms". */
    private static final Pattern RTT = Pattern.compile("min/avg/max\\S* = ([\\d.]+)/([\\d.]+)/([\\d.]+)");
    private static final Pattern LLADDR = Pattern.compile("lladdr (\\p{XDigit}{2}(?::\\p{XDigit}{2}){5})");

    private Traffic() {
    }

    /** Echo requests without a reply, from ping's summary line. */
    public static long lost(String pingOutput) {
        Matcher m = SUMMARY.matcher(pingOutput);
        if (!m.find()) {
            throw new AssertionError("no ping summary in: " + pingOutput);
        }
        return Long.parseLong(m.group(1)) - Long.parseLong(m.group(2));
    }

    /** Replies in ping's summary line. */
    public static long received(String pingOutput) {
        Matcher m = SUMMARY.matcher(pingOutput);
        if (!m.find()) {
            throw new AssertionError("no ping summary in: " + pingOutput);
        }
        return Long.parseLong(m.group(2));
    }

    /** The {min, avg, max} round trip of ping's summary, in microseconds. */
    public static double[] rttMicros(String pingOutput) {
        Matcher m = RTT.matcher(pingOutput);
        if (!m.find()) {
            throw new AssertionError("no round-trip summary in: " + pingOutput);
        }
        return new double[] {Double.parseDouble(m.group(1)) * 1000, Double.parseDouble(m.group(2)) * 1000,
                Double.parseDouble(m.group(3)) * 1000};
    }

    /**
     * An iperf3 TCP transfer from {@code clientSide} to a one-shot server in {@code serverSide} bound to
     * {@code serverAddress}, as iperf3's JSON report; {@code args} go to the client (-t, -P, -R ...). The
     * client starts once the server's socket listens.
     */
    public static JsonNode iperf(NetnsLab lab, String serverSide, String serverAddress, String clientSide,
                                 String... args) throws IOException, InterruptedException {
        Process server = lab.startInNs(serverSide, "iperf3", "-s", "-1", "-B", serverAddress);
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lab.execInNs(serverSide, 5, "ss", "-Hltn", "sport = :5201").output().isBlank()) {
                if (!server.isAlive() || System.nanoTime() - end > 0) {
                    throw new AssertionError("iperf3 server in " + serverSide + " not listening: "
                            + new String(server.getInputStream().readNBytes(4000)));
                }
                Thread.sleep(20);
            }
            List<String> cmd = new ArrayList<>(List.of("iperf3", "-J", "-c", serverAddress));
            cmd.addAll(List.of(args));
            NetnsLab.Result r = lab.execInNs(clientSide, 90, cmd.toArray(String[]::new));
            if (r.exitCode() != 0) {
                throw new AssertionError("iperf3 " + clientSide + " -> " + serverSide + " exited " + r.exitCode()
                        + ": " + r.output());
            }
            return new ObjectMapper().readTree(r.output());
        } finally {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** What the receiver of an iperf3 TCP test got, in Gbit/s. */
    public static double receivedGbits(JsonNode report) {
        return report.get("end").get("sum_received").get("bits_per_second").asDouble() / 1e9;
    }

    /** Bytes the receiver of an iperf3 TCP test got. */
    public static long receivedBytes(JsonNode report) {
        return report.get("end").get("sum_received").get("bytes").asLong();
    }

    /**
     * The link-layer address a namespace's neighbour table holds for {@code address} on {@code dev}, or
     * null when it holds none.
     */
    public static String neighbour(NetnsLab lab, String side, String address, String dev)
            throws IOException, InterruptedException {
        String out = lab.execInNs(side, 5, "ip", "neigh", "show", address, "dev", dev).output();
        Matcher m = LLADDR.matcher(out);
        return m.find() ? m.group(1) : null;
    }
}
