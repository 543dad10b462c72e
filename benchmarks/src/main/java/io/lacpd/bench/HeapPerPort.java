package io.lacpd.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Arrays;

/**
 * Heap retained per port in steady state: two systems of N ports each (default 5,000), wired pairwise in a
 * {@link io.lacpd.core.sim.VirtualNetwork}, converged and then run for 10 minutes of virtual time.
 *
 * <p>Method: force GC several times and read the used heap (MemoryMXBean), build and run the systems, force
 * GC several times again while they are still referenced, read the used heap again; the difference divided
 * by the number of ports (2N) is the figure. The whole is repeated and the median printed. The figure counts
 * everything reachable from the network: both LacpSystems with their ports, machines, aggregators and
 * scheduling, and also the simulator's own share (Wire objects, its maps keyed by "system/port"), so it is
 * an upper bound for the engine alone. Target: under 2 KB per port.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.lacpd.bench.HeapPerPort [portsPerSystem]
 * [repeats]}
 */
public final class HeapPerPort {

    private static final long STEADY_STATE_SECONDS = 600;
    private static final int GC_ROUNDS = 5;

    private HeapPerPort() {
    }

    public static void main(String[] args) throws InterruptedException {
        int portsPerSystem = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int ports = 2 * portsPerSystem;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

        System.out.printf("HeapPerPort: 2 systems x %,d ports, %d s of virtual time, %d repeats, %s%n",
                portsPerSystem, STEADY_STATE_SECONDS, repeats, jvm());
        // One unmeasured round first: class loading and first-use caches would otherwise count as ports.
        Reference.reachabilityFence(build(portsPerSystem));

        double[] perPort = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long before = usedAfterGc(memory);
            TwoSystems systems = build(portsPerSystem);
            long after = usedAfterGc(memory);
            Reference.reachabilityFence(systems);
            perPort[r] = (after - before) / (double) ports;
            System.out.printf("  run %d: used heap %,d -> %,d bytes: %,d bytes for %,d ports = %.0f bytes/port%n",
                    r + 1, before, after, after - before, ports, perPort[r]);
        }
        double[] sorted = perPort.clone();
        Arrays.sort(sorted);
        double median = repeats % 2 == 1 ? sorted[repeats / 2]
                : (sorted[repeats / 2 - 1] + sorted[repeats / 2]) / 2;
        System.out.printf("bytes per port: median %.0f (min %.0f, max %.0f, %d runs); target < 2048: %s%n",
                median, sorted[0], sorted[repeats - 1], repeats, median < 2048 ? "met" : "NOT met");
    }

    private static TwoSystems build(int portsPerSystem) {
        TwoSystems systems = TwoSystems.build(portsPerSystem);
        systems.runSeconds(STEADY_STATE_SECONDS);
        systems.checkConverged();
        return systems;
    }

    /** Used heap after several full collections, once it no longer shrinks (or after GC_ROUNDS tries). */
    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < GC_ROUNDS; i++) {
            System.gc();
            Thread.sleep(50);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used && i >= 2) {
                return Math.min(now, used);
            }
            used = Math.min(used, now);
        }
        return used;
    }

    private static String jvm() {
        return "Java " + System.getProperty("java.version") + ", GC "
                + ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                        .reduce((a, b) -> a + "/" + b).orElse("?")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }
}
