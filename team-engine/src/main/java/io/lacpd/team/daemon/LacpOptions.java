package io.lacpd.team.daemon;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The LACP options of one team beyond the identity and rate settings of {@link DaemonConfig}, all reloadable.
 * See docs/configuration.md.
 *
 * @param aggregateWaitMs Aggregate_Wait_Time in milliseconds (802.1AX-2014 6.4.4): 2000 by default, 0 attaches at once
 */
public record LacpOptions(int aggregateWaitMs) {

    /** The keys (and flags without their dashes) these options are read from. */
    static final Set<String> KEYS = Set.of("aggregate-wait");

    /** The longest Aggregate_Wait_Time accepted, in milliseconds. */
    static final int MAX_AGGREGATE_WAIT_MS = 60_000;

    /** Every option at its default. */
    public static final LacpOptions DEFAULTS = new LacpOptions(2000);

    /** Reads the options from the merged settings; {@code label} names a key as the user gave it. */
    static LacpOptions parse(Map<String, String> s, Function<String, String> label) throws ConfigException {
        int wait = DEFAULTS.aggregateWaitMs;
        String v = s.get("aggregate-wait");
        if (v != null) {
            if (!v.strip().matches("\\d{1,9}") || Integer.parseInt(v.strip()) > MAX_AGGREGATE_WAIT_MS) {
                throw new ConfigException(label.apply("aggregate-wait") + " '" + v.strip()
                        + "' (expected: milliseconds, 0.." + MAX_AGGREGATE_WAIT_MS + ")");
            }
            wait = Integer.parseInt(v.strip());
        }
        return new LacpOptions(wait);
    }

    /** Aggregate_Wait_Time in nanoseconds, as the LACP system takes it. */
    public long aggregateWaitNanos() {
        return TimeUnit.MILLISECONDS.toNanos(aggregateWaitMs);
    }
}
