package io.lacpd.core;

/**
 * A send limit of at most {@code max} frames in any {@code period}: a sliding window kept as a ring of the
 * last {@code max} send times. The Transmit machine uses it for the LACPDU limit of 6.4.16, the Marker
 * Responder for its share of the Slow Protocols budget (802.3 Annex 57A).
 */
final class SendWindow {

    private final long[] sent;
    private final long period;
    private int sentCount;
    private int oldest;

    /**
     * @param max    sends allowed in any one period
     * @param period the period, in nanoseconds
     */
    SendWindow(int max, long period) {
        this.sent = new long[max];
        this.period = period;
    }

    /** True when {@code max} sends already fall in the period that ends at {@code now}: no send allowed. */
    boolean full(long now) {
        return sentCount == sent.length && now - sent[oldest] < period;
    }

    /** When the oldest send leaves the window, so the next one is allowed; meaningful while {@link #full}. */
    long nextFree() {
        return sent[oldest] + period;
    }

    /** Counts a send at {@code now}; it replaces the oldest once the ring is full. */
    void record(long now) {
        if (sentCount < sent.length) {
            sent[(oldest + sentCount++) % sent.length] = now;
        } else {
            sent[oldest] = now;
            oldest = (oldest + 1) % sent.length;
        }
    }
}
