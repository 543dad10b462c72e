package io.lacpd.team;

import io.lacpd.team.control.LacpCtl;
import io.lacpd.team.daemon.ConfigException;
import io.lacpd.team.daemon.Lacpd;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Two network namespaces, A and B, joined by veth pairs eth1-eth1, eth2-eth2, ..., with lacpd daemons
 * started in them as separate processes. Everything it makes has a name of its own, and {@link #close}
 * removes it all (daemons by pid, then the namespaces), also after a failure.
 */
public final class NetnsLab implements AutoCloseable {

    public final String id = Long.toString(ProcessHandle.current().pid() % 100000, 36)
            + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    public final String nsA = "lt-" + id + "-a";
    public final String nsB = "lt-" + id + "-b";
    public final Path dir;
    private final List<Process> daemons = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();

    public NetnsLab(int links) throws IOException, InterruptedException {
        if (!"0".equals(run("id", "-u").strip())) {
            throw new AssertionError("these tests need root (network namespaces); the project's test command runs as root");
        }
        dir = Files.createTempDirectory("lacpd-it-");
        sh("ip", "netns", "add", nsA);
        sh("ip", "netns", "add", nsB);
        for (int i = 1; i <= links; i++) {
            recreateLink(i);
        }
    }

    /**
     * Adds the veth pair eth{i}-eth{i} created inside the namespaces, so that both ends have the same interface
     * index in their own namespace, as a physical NIC's index equals its iflink: the kernel then treats their
     * carrier changes as it treats a NIC's (not urgent, held back by up to a second after another change).
     */
    public void addPlainLink(int i) throws IOException, InterruptedException {
        sh("ip", "link", "add", "eth" + i, "netns", nsA, "address", String.format("02:00:00:0a:00:%02x", i),
                "type", "veth", "peer", "name", "eth" + i, "netns", nsB, "address", String.format("02:00:00:0b:00:%02x", i));
        sh("ip", "-n", nsA, "link", "set", "eth" + i, "up");
        sh("ip", "-n", nsB, "link", "set", "eth" + i, "up");
    }

    /** Creates the veth pair eth{i}-eth{i} between the namespaces, both ends up. */
    public void recreateLink(int i) throws IOException, InterruptedException {
        String a = "lta" + id + i;
        String b = "ltb" + id + i;
        sh("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        sh("ip", "link", "set", a, "netns", nsA);
        sh("ip", "link", "set", b, "netns", nsB);
        sh("ip", "-n", nsA, "link", "set", a, "name", "eth" + i, "address", String.format("02:00:00:0a:00:%02x", i));
        sh("ip", "-n", nsB, "link", "set", b, "name", "eth" + i, "address", String.format("02:00:00:0b:00:%02x", i));
        sh("ip", "-n", nsA, "link", "set", "eth" + i, "up");
        sh("ip", "-n", nsB, "link", "set", "eth" + i, "up");
    }

    public String ns(String side) {
        return side.equals("A") ? nsA : nsB;
    }

    public Path socket(String side) {
        return dir.resolve(side + ".sock");
    }

    public Path log(String side) {
        return dir.resolve(side + ".log");
    }

    /** Starts lacpd in that side's namespace with these extra flags; its stderr goes to {@link #log}. */
    public Process startDaemon(String side, String... flags) throws IOException {
        return start(side, List.of(javaBin(), "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Lacpd.class.getName(), "run"), flags);
    }

    /** As {@link #startDaemon}, with the test-only faults of a test build: "test-fault ..." requests. */
    public Process startDaemonWithFaults(String side, String... flags) throws IOException {
        return startDaemon(side, List.of("-XX:+UseSerialGC", "-Dlacpd.test-faults=true"), flags);
    }

    /** As {@link #startDaemon}, on a JVM with these options. */
    public Process startDaemon(String side, List<String> jvmOptions, String... flags) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBin()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Lacpd.class.getName(), "run"));
        return start(side, command, flags);
    }

    /** Starts lacpd as {@link #startDaemon}, but by {@code wrapper} (e.g. a shell that ignores signals first). */
    public Process startDaemonUnder(String side, List<String> wrapper, String... flags) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(javaBin(), "-cp", System.getProperty("java.class.path"), Lacpd.class.getName(), "run"));
        return start(side, command, flags);
    }

    /**
     * Starts lacpd through the project's own launcher, {@code ./lacpd run}, as users do (it builds what is
     * missing and uses the startup archive); the process is the daemon's, as the launcher execs java.
     */
    public Process startLauncher(String side, String... flags) throws IOException {
        return start(side, List.of(projectRoot().resolve("lacpd").toString(), "run"), flags);
    }

    /** The project's root: tests run in their module's directory. */
    public static Path projectRoot() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private Process start(String side, List<String> command, String... flags) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(side)));
        cmd.addAll(command);
        cmd.addAll(List.of("--team", "t" + side, "--control-socket", socket(side).toString()));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(side).toFile())).start();
        daemons.add(p);
        return p;
    }

    /** Runs lacpd to completion in that side's namespace, for bad-input cases: exit code and output. */
    public Result runDaemonToExit(String side, String... args) throws IOException, InterruptedException {
        return runDaemonToExit(side, List.of(), args);
    }

    /** The same, with lacpd started by {@code wrapper} (e.g. setpriv, to drop a capability). */
    public Result runDaemonToExit(String side, List<String> wrapper, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(side)));
        cmd.addAll(wrapper);
        cmd.addAll(List.of(javaBin(), "-cp", System.getProperty("java.class.path"), Lacpd.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        daemons.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("lacpd did not exit: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    public record Result(int exitCode, String output) {
    }

    /** The side's status as JSON, through lacpctl's own code; null while the daemon does not answer. */
    public JsonNode status(String side) {
        try {
            return json.readTree(LacpCtl.run(List.of("--socket", socket(side).toString(), "status", "--json")))
                    .get("teams").get(0);
        } catch (IOException | ConfigException e) {
            return null;
        }
    }

    /** The side's port called {@code name}; null while the daemon does not answer. */
    public JsonNode port(String side, String name) {
        JsonNode team = status(side);
        return team == null ? null : port(team, name);
    }

    /** The port called {@code name} in a team's JSON status. */
    public static JsonNode port(JsonNode team, String name) {
        for (JsonNode p : team.get("ports")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port " + name + " in " + team);
    }

    /** One of a port's {@code counters} in a team's JSON status. */
    public static long counter(JsonNode team, String port, String name) {
        return port(team, port).get("counters").get(name).asLong();
    }

    public static boolean distributing(JsonNode port) {
        return port != null && port.get("actor").get("state").get("distributing").asBoolean();
    }

    /** Waits until the condition holds of the side's status; returns the nanoseconds it took. */
    public long await(String side, Predicate<JsonNode> condition, long timeoutMillis) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        JsonNode last = null;
        while (System.nanoTime() - end < 0) {
            last = status(side);
            if (last != null && condition.test(last)) {
                return System.nanoTime() - start;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("side " + side + ": condition not met within " + timeoutMillis + " ms; last status "
                + last + "\nlog A:\n" + readLog("A") + "\nlog B:\n" + readLog("B"));
    }

    public static Predicate<JsonNode> allDistributing(int ports) {
        return team -> {
            int n = 0;
            for (JsonNode p : team.get("ports")) {
                n += distributing(p) ? 1 : 0;
            }
            return n == ports;
        };
    }

    public static Predicate<JsonNode> portDistributing(String name, boolean wanted) {
        return team -> {
            for (JsonNode p : team.get("ports")) {
                if (p.get("name").asText().equals(name)) {
                    return distributing(p) == wanted;
                }
            }
            return false;
        };
    }

    public String readLog(String side) throws IOException {
        return Files.exists(log(side)) ? Files.readString(log(side)) : "";
    }

    /** Runs a command in a side's namespace and fails on a non-zero exit. */
    public void inNs(String side, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(side)));
        full.addAll(List.of(cmd));
        sh(full.toArray(String[]::new));
    }

    /**
     * Runs a command in a side's namespace to completion, at most {@code timeoutSeconds}: its exit code and its
     * output (standard output and error together).
     */
    public Result execInNs(String side, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(side)));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        daemons.add(p);
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError(String.join(" ", cmd) + " did not exit within " + timeoutSeconds + " s: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** Starts a command in a side's namespace (output and error together); {@link #close} ends it by pid. */
    public Process startInNs(String side, String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns(side)));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        daemons.add(p);
        return p;
    }

    public static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    /** Runs a command and returns its standard output; its standard error (tshark's root warning) is dropped. */
    public static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /**
     * Runs a command and returns its standard output; a non-zero exit fails with the command's standard
     * error (where tshark also puts its root warning), so a bad argument cannot pass for empty output.
     */
    public static String runChecked(String... cmd) throws IOException, InterruptedException {
        Path err = Files.createTempFile("lacpd-cmd-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException(String.join(" ", cmd) + " exited " + rc + ": " + Files.readString(err).strip());
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : daemons) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", nsA);
        run("ip", "netns", "del", nsB);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
