package io.lacpd.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heap retained per port in steady state: two systems of N ports each (default 5,000), wired pairwise in a
 * {@link io.lacpd.core.sim.VirtualNetwork}, converged and then run for 10 minutes of virtual time.
 *
 * <p>Method, in each run: build and discard a tiny network (so that class loading and first-use caches are
 * not counted), force full collections until the used heap (MemoryMXBean) stops changing, build and run the
 * systems, force full collections again while they are still referenced, and read the used heap again; the
 * difference divided by the number of ports (2N) is the figure. Each run is a fresh JVM started with this
 * JVM's options, so nothing of an earlier run can linger in the heap (with the Serial collector, a
 * discarded network was seen to survive several System.gc() calls); the median of the runs is printed.
 *
 * <p>The figure counts everything reachable from the network: both LacpSystems with their ports, state
 * machines, aggregators and scheduling, and also the simulator's own share (Wire objects, its maps keyed
 * by "system/port"), so it is an upper bound for the engine alone. Target: under 2 KB per port.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.lacpd.bench.HeapPerPort [portsPerSystem]
 * [runs]}
 */
public final class HeapPerPort {

    private static final long STEADY_STATE_SECONDS = 600;
    private static final int MIN_GC_ROUNDS = 3;
    private static final int MAX_GC_ROUNDS = 10;
    private static final String SINGLE = "--single";
    private static final String RESULT = "RESULT ";

    private HeapPerPort() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(SINGLE)) {
            single(Integer.parseInt(args[1]));
            return;
        }
        int portsPerSystem = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int ports = 2 * portsPerSystem;
        System.out.printf("HeapPerPort: 2 systems x %,d ports, %d s of virtual time, %d runs (one JVM each), %s%n",
                portsPerSystem, STEADY_STATE_SECONDS, runs, jvm());

        double[] perPort = new double[runs];
        for (int r = 0; r < runs; r++) {
            long[] heap = fork(portsPerSystem);
            long retained = heap[1] - heap[0];
            perPort[r] = retained / (double) ports;
            System.out.printf("  run %d: used heap %,d -> %,d bytes: %,d bytes for %,d ports = %.0f bytes/port%n",
                    r + 1, heap[0], heap[1], retained, ports, perPort[r]);
        }
        double[] sorted = perPort.clone();
        Arrays.sort(sorted);
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        System.out.printf("bytes per port: median %.0f (min %.0f, max %.0f, %d runs); target < 2048: %s%n",
                median, sorted[0], sorted[runs - 1], runs, median < 2048 ? "met" : "NOT met");
    }

    /** Runs one measurement in a fresh JVM with this JVM's options and class path. */
    private static long[] fork(int portsPerSystem) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HeapPerPort.class.getName());
        command.add(SINGLE);
        command.add(Integer.toString(portsPerSystem));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        long[] result = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(RESULT)) {
                    String[] f = line.substring(RESULT.length()).trim().split(" ");
                    result = new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
                } else {
                    System.out.println("    " + line);
                }
            }
        }
        int exit = child.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("measurement JVM failed, exit code " + exit);
        }
        return result;
    }

    /** One measurement, in this JVM: prints the used heap before and with the systems. */
    private static void single(int portsPerSystem) throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Reference.reachabilityFence(build(2)); // loads the classes; negligible if it lingers
        long before = usedAfterGc(memory);
        TwoSystems systems = build(portsPerSystem);
        long after = usedAfterGc(memory);
        Reference.reachabilityFence(systems);
        System.out.println(RESULT + before + " " + after);
    }

    private static TwoSystems build(int portsPerSystem) {
        TwoSystems systems = TwoSystems.build(portsPerSystem);
        systems.runSeconds(STEADY_STATE_SECONDS);
        systems.checkConverged();
        return systems;
    }

    /**
     * Used heap after full collections: collects until two readings in a row agree within 64 KiB (at least
     * MIN_GC_ROUNDS, at most MAX_GC_ROUNDS collections), and returns the lowest reading.
     */
    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        long previous = -1;
        for (int i = 0; i < MAX_GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(50); // lets reference processing catch up
            long used = memory.getHeapMemoryUsage().getUsed();
            lowest = Math.min(lowest, used);
            if (i >= MIN_GC_ROUNDS - 1 && Math.abs(used - previous) < 64 * 1024) {
                break;
            }
            previous = used;
        }
        return lowest;
    }

    private static String jvm() {
        return "Java " + System.getProperty("java.version") + ", GC "
                + ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                        .reduce((a, b) -> a + "/" + b).orElse("?")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }
}
