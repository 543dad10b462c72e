package io.lacpd.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A veth pair made with ip(8) under names no other test or concurrent run uses (a prefix such as "lm", then
 * "A" or "B", then five random hex digits); {@link #close} deletes it and any interface made through
 * {@link #name}.
 */
final class VethPair implements AutoCloseable {

    /** The end the monitors watch, and its peer, whose state drives the carrier of {@link #a}. */
    final String a;
    final String b;
    private final String prefix;
    private final String suffix;
    private final List<String> made = new ArrayList<>();

    private VethPair(String prefix, String suffix) {
        this.prefix = prefix;
        this.suffix = suffix;
        this.a = name('A');
        this.b = name('B');
    }

    /** Fails the test unless it runs as root: the tests make and break real interfaces. */
    static void requireRoot() {
        assertEquals("0", run("id", "-u").trim(),
                "these tests create veth interfaces and must run as root (uid 0)");
    }

    /** Creates a fresh pair named "lm...", both ends down. */
    static VethPair create() {
        return create("lm");
    }

    /** Creates a fresh pair whose names begin with {@code prefix} (two letters keep them within IFNAMSIZ). */
    static VethPair create(String prefix) {
        for (int attempt = 0; attempt < 10; attempt++) {
            VethPair p = new VethPair(prefix, String.format("%05x", ThreadLocalRandom.current().nextInt(0x100000)));
            if (!Files.exists(Path.of("/sys/class/net", p.a)) && !Files.exists(Path.of("/sys/class/net", p.b))) {
                p.add();
                return p;
            }
        }
        throw new IllegalStateException("no free veth names");
    }

    /** An interface name of this pair's family, deleted at close if it exists then. */
    String name(char kind) {
        String name = prefix + kind + suffix;
        made.add(name);
        return name;
    }

    /** (Re)creates the pair. */
    void add() {
        ip("link", "add", a, "type", "veth", "peer", "name", b);
    }

    /** Runs {@code ip ARGS...} and returns its output; fails the test when it fails. */
    static String ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        return run(command);
    }

    /** The interface index ip(8) shows for a name. */
    static int index(String name) {
        String line = ip("-o", "link", "show", "dev", name);
        return Integer.parseInt(line.substring(0, line.indexOf(':')));
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                fail(String.join(" ", command) + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (String name : made) {
            if (Files.exists(Path.of("/sys/class/net", name))) {
                try {
                    new ProcessBuilder("ip", "link", "del", name).start().waitFor();
                } catch (IOException e) {
                    System.err.println("cannot delete " + name + ": " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
