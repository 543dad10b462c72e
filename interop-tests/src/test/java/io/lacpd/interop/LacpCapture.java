package io.lacpd.interop;

import io.lacpd.team.NetnsLab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * tcpdump on every interface of a namespace (slow-protocol frames only), read back with tshark: the
 * decoded LACPDUs, and Wireshark's expert verdict on them. A tshark that exits non-zero (a display
 * filter it does not understand, say) fails the call instead of returning nothing.
 */
public final class LacpCapture implements AutoCloseable {

    /** One LACPDU as captured: when, and the actor fields that tell who sent it in which state. */
    public record Lacpdu(double epochSeconds, String actorSystem, int actorPort, int actorState) {

        public boolean collectingDistributing() {
            return (actorState & 0x30) == 0x30;
        }
    }

    /** The capture file. */
    public final Path file;
    /** tcpdump's own output. */
    public final Path log;
    private final Process tcpdump;

    private LacpCapture(Path file, Path log, Process tcpdump) {
        this.file = file;
        this.log = log;
        this.tcpdump = tcpdump;
    }

    /** Starts tcpdump in namespace {@code ns}, writing to {@code file}; returns once it is listening. */
    public static LacpCapture start(String ns, Path file) throws IOException, InterruptedException {
        Path log = file.resolveSibling(file.getFileName() + ".log");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", "any", "--immediate-mode", "-U", "-w", file.toString(),
                "ether proto 0x8809").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LacpCapture c = new LacpCapture(file, log, p);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("listening on")) {
            if (System.nanoTime() - end > 0 || !p.isAlive()) {
                c.close();
                throw new IOException("tcpdump did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return c;
    }

    /**
     * Stops tcpdump (SIGTERM flushes the file; --immediate-mode left no frame in the kernel's ring);
     * returns whether it exited on SIGTERM within 10 s, as it should, rather than by SIGKILL after that.
     */
    public boolean stop() throws InterruptedException {
        tcpdump.destroy();
        if (tcpdump.waitFor(10, TimeUnit.SECONDS)) {
            return true;
        }
        tcpdump.destroyForcibly();
        tcpdump.waitFor(5, TimeUnit.SECONDS);
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Every LACPDU in the capture, in capture order. */
    public List<Lacpdu> lacpdus() throws IOException, InterruptedException {
        String out = NetnsLab.runChecked("tshark", "-r", file.toString(), "-Y", "slow.subtype == 1", "-T", "fields",
                "-E", "separator=/t", "-e", "frame.time_epoch", "-e", "lacp.actor.sysid", "-e", "lacp.actor.port",
                "-e", "lacp.actor.state");
        List<Lacpdu> pdus = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\t");
            if (f.length == 4) {
                pdus.add(new Lacpdu(Double.parseDouble(f[0]), f[1], Integer.decode(f[2]), Integer.decode(f[3])));
            }
        }
        return pdus;
    }

    /** tshark's expert messages (severity and text, one a line) on the frames the display filter keeps. */
    public String expertInfo(String displayFilter) throws IOException, InterruptedException {
        String out = NetnsLab.runChecked("tshark", "-r", file.toString(), "-Y", displayFilter, "-T", "fields",
                "-e", "frame.number", "-e", "_ws.expert.severity", "-e", "_ws.expert.message");
        StringBuilder b = new StringBuilder();
        for (String line : out.lines().toList()) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && !f[1].isBlank()) {
                b.append("frame ").append(f[0]).append(": ").append(f[1].strip()).append('\n');
            }
        }
        return b.toString();
    }

    /** Counts the frames the display filter keeps. */
    public long count(String displayFilter) throws IOException, InterruptedException {
        return NetnsLab.runChecked("tshark", "-r", file.toString(), "-Y", displayFilter, "-T", "fields",
                "-e", "frame.number").lines().filter(l -> !l.isBlank()).count();
    }

    /**
     * The wire's account of a negotiation: the moment every expected sender (actor system and port) had
     * sent its first LACPDU, so both sides were up and speaking, and the first moment at which the last
     * LACPDU of every expected sender said Collecting and Distributing (NaN when that never happened).
     */
    public static double[] convergence(List<Lacpdu> pdus, Set<String> senders) {
        Map<String, Boolean> latest = new HashMap<>();
        double speaking = Double.NaN;
        for (Lacpdu p : pdus) {
            latest.put(p.actorSystem + "/" + p.actorPort, p.collectingDistributing());
            if (Double.isNaN(speaking) && latest.keySet().containsAll(senders)) {
                speaking = p.epochSeconds;
            }
            if (senders.stream().allMatch(s -> latest.getOrDefault(s, false))) {
                return new double[] {speaking, p.epochSeconds};
            }
        }
        return new double[] {speaking, Double.NaN};
    }
}
