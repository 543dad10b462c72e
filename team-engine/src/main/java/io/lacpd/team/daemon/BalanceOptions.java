package io.lacpd.team.daemon;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The load-balancing options of one team beyond the algorithm itself, read at the start. See
 * docs/configuration.md.
 *
 * @param flowletGapMicros {@code dynamic}: the pause in a flow, in microseconds, after which it may move to another
 *                         member (and only once the old member's queue no longer holds its last frame)
 */
public record BalanceOptions(int flowletGapMicros) {

    /** The keys (and flags without their dashes) these options are read from. */
    static final Set<String> KEYS = Set.of("flowlet-gap");

    /** The longest flowlet gap accepted, in microseconds: a second. */
    static final int MAX_FLOWLET_GAP_MICROS = 1_000_000;

    /**
     * Every option at its default. The gap: longer than the partner can hold one member's frames back behind the
     * other's, one receive batch at the measured frame rate (docs/benchmarks.md, "Flowlet gap").
     */
    public static final BalanceOptions DEFAULTS = new BalanceOptions(1000);

    /** Reads the options from the merged settings; {@code label} names a key as the user gave it. */
    static BalanceOptions parse(Map<String, String> s, Function<String, String> label) throws ConfigException {
        int gap = DEFAULTS.flowletGapMicros;
        String v = s.get("flowlet-gap");
        if (v != null) {
            String value = v.strip();
            if (!value.matches("\\d{1,7}") || Integer.parseInt(value) < 1
                    || Integer.parseInt(value) > MAX_FLOWLET_GAP_MICROS) {
                throw new ConfigException(label.apply("flowlet-gap") + " '" + value + "' (expected: microseconds, 1.."
                        + MAX_FLOWLET_GAP_MICROS + ")");
            }
            gap = Integer.parseInt(value);
        }
        return new BalanceOptions(gap);
    }

    /** The flowlet gap in nanoseconds, as the flowlet table takes it. */
    public long flowletGapNanos() {
        return TimeUnit.MICROSECONDS.toNanos(flowletGapMicros);
    }
}
