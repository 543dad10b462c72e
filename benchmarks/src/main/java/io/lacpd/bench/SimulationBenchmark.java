package io.lacpd.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One hour of protocol time between two systems of 1,000 ports each (one LAG of 1,000 links, short timeout:
 * one LACPDU per second per port per direction, so 7.2 million LACPDUs), end to end through
 * {@link io.lacpd.core.sim.VirtualNetwork}: encode, the wire's copy, decode, and the state machines.
 *
 * <p>Each iteration gets fresh systems that have converged in {@code @Setup(Level.Iteration)}, so system
 * creation and the initial negotiation are not timed; the timed part is {@code runFor(1 hour)} alone.
 * Targets: under 10 s for the hour, and at least 700,000 LACPDUs per second.
 *
 * <p>Besides the time, JMH reports the auxiliary counter {@code pdus}: the LACPDUs processed in the hour,
 * the rise of lacpdu_rx over all ports of both systems. Each iteration checks it against the expected
 * count (one LACPDU per second per port per direction) and fails when it differs. Its per-iteration
 * value is printed under each iteration; JMH's summary line adds the counter up over all measured
 * iterations. The rate of each iteration (LACPDUs per second of wall-clock time) is printed by the
 * benchmark itself at the end of the iteration; a rate cannot be an auxiliary counter here, as JMH would
 * add the rates up in its summary.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(2)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
public class SimulationBenchmark {

    /** Virtual time settled before timing: Aggregate_Wait_Time and a few PDU exchanges suffice. */
    static final long CONVERGE_SECONDS = 30;
    /** Virtual time timed. */
    static final long RUN_SECONDS = 3600;

    @Param("1000")
    public int links;

    TwoSystems systems;
    long rxBefore;

    /** The counter JMH reports next to the time, filled in at the end of each invocation. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Pdus {
        /** LACPDUs received in the timed hour, over all ports of both systems. */
        public long pdus;
    }

    private long pdus;
    private long elapsedNanos;

    @Setup(Level.Iteration)
    public void converge() {
        systems = TwoSystems.build(links);
        systems.runSeconds(CONVERGE_SECONDS);
        systems.checkConverged();
        rxBefore = systems.lacpduRx();
    }

    @Benchmark
    public void oneHour(Pdus counters) {
        long start = System.nanoTime();
        systems.runSeconds(RUN_SECONDS);
        elapsedNanos = System.nanoTime() - start;
        // Inside JMH's timed span but outside the rate's: the snapshots of 2,000 ports take a few milliseconds.
        pdus = systems.lacpduRx() - rxBefore;
        counters.pdus = pdus;
    }

    /** LACPDUs the timed hour carries: every port of both systems receives one a second. */
    long expectedPdus() {
        return 2L * links * RUN_SECONDS;
    }

    @TearDown(Level.Iteration)
    public void report() {
        System.out.printf("[%,d LACPDUs in %.3f s = %,.0f LACPDUs/s] ", pdus, elapsedNanos / 1e9,
                pdus / (elapsedNanos / 1e9));
        systems = null;
        if (pdus != expectedPdus()) {
            throw new IllegalStateException(String.format("%,d LACPDUs processed in the hour, expected %,d",
                    pdus, expectedPdus()));
        }
    }
}
