package io.lacpd.interop.ovs;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Polling with a deadline: the tests wait for conditions, they never sleep and then assert. */
final class Poll {

    private Poll() {
    }

    /** A condition read from the outside world; an exception counts as "not yet". */
    interface Probe {
        boolean holds() throws Exception;
    }

    /**
     * Polls every 20 ms until the probe holds; returns the nanoseconds since {@code since} (a
     * {@link System#nanoTime} value). Fails with {@code diag}'s text after {@code timeoutMs}.
     */
    static long until(String what, long since, long timeoutMs, Probe probe, Supplier<String> diag)
            throws InterruptedException {
        return each(what, since, timeoutMs, diag, probe)[0];
    }

    static long until(String what, long timeoutMs, Probe probe, Supplier<String> diag) throws InterruptedException {
        return until(what, System.nanoTime(), timeoutMs, probe, diag);
    }

    /**
     * Polls until every probe holds in the same round; returns, per probe, the nanoseconds from
     * {@code since} to the first time it held.
     */
    static long[] each(String what, long since, long timeoutMs, Supplier<String> diag, Probe... probes)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long[] first = new long[probes.length];
        java.util.Arrays.fill(first, -1);
        Exception last = null;
        while (true) {
            boolean all = true;
            for (int i = 0; i < probes.length; i++) {
                boolean ok;
                try {
                    ok = probes[i].holds();
                } catch (Exception e) {
                    last = e;
                    ok = false;
                }
                if (ok && first[i] < 0) {
                    first[i] = System.nanoTime() - since;
                }
                all &= ok;
            }
            if (all) {
                return first;
            }
            if (System.nanoTime() - end > 0) {
                AssertionError e = new AssertionError(what + ": not within " + timeoutMs + " ms\n" + diag.get());
                if (last != null) {
                    e.addSuppressed(last);
                }
                throw e;
            }
            Thread.sleep(20);
        }
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
