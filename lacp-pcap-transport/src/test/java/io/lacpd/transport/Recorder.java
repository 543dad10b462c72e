package io.lacpd.transport;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A listener that keeps every report with the time it arrived. {@link #await} claims the first unclaimed
 * report that matches, waiting for it until a deadline, so reports that arrive in either order can be
 * awaited one by one.
 */
final class Recorder implements Consumer<LinkState> {

    /** One listener call and when it happened ({@link System#nanoTime}). */
    record Report(LinkState state, long nanos) {
    }

    private static final long DEADLINE_MILLIS = 5_000;

    private final List<Report> all = new ArrayList<>();
    private final List<Report> unclaimed = new ArrayList<>();

    @Override
    public synchronized void accept(LinkState state) {
        Report r = new Report(state, System.nanoTime());
        all.add(r);
        unclaimed.add(r);
        notifyAll();
    }

    /** Every report so far, in order. */
    synchronized List<LinkState> all() {
        return all.stream().map(Report::state).toList();
    }

    /** Claims the first unclaimed report that matches; fails after 5 s, listing every report. */
    synchronized Report await(String what, Predicate<LinkState> matches) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        try {
            while (true) {
                for (Iterator<Report> i = unclaimed.iterator(); i.hasNext(); ) {
                    Report r = i.next();
                    if (matches.test(r.state())) {
                        i.remove();
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fail("no report of " + what + " within " + DEADLINE_MILLIS + " ms; reports: " + all());
    }
}
