package io.lacpd.transport;

import io.lacpd.core.LacpSystem;
import io.lacpd.core.pdu.SlowProtocolCodec;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the capture threads hand the agent, bounded: per port a ring of the latest frames, at most
 * {@value #PER_PORT} per port and {@value #TOTAL} in all. A full ring drops its oldest frame, so under pressure
 * the newest wins (the Receive machine needs the latest LACPDU, not every one). The agent takes a port's
 * frames through its {@link Inbox#take policer}, before any decoding, so that one port's flood costs the loop
 * no more than a sane slow-protocol rate and cannot delay the other ports' transmissions.
 *
 * <p>Capture threads call {@link Inbox#offer} only; everything else runs on the agent's thread.
 */
final class Ingress {

    /** Frames one port may hold: a burst of a real partner's LACPDUs and Markers, many times over. */
    static final int PER_PORT = 16;
    /** Frames all ports together may hold: at most 1,532 octets each (the snap length), under 400 KiB. */
    static final int TOTAL = 256;
    /**
     * Ours: the policed rate, one frame per this interval (20 a second). A partner sends at most 3 LACPDUs in a
     * Fast_Periodic_Time (802.1AX-2014 6.4.16) and all slow protocols together at most 10 frames a second
     * (802.3 Annex 57A.3): twice that is never policed.
     */
    static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(50);
    /** Ours: frames a port may have taken at once after a quiet while. */
    static final int BURST = 10;
    /** Ours: how long a port drops nothing before its flood counts as ended. */
    static final long QUIET = TimeUnit.SECONDS.toNanos(1);

    private final AtomicInteger held = new AtomicInteger();

    /** A new, empty inbox for one port, its policer full at {@code now}. */
    Inbox inbox(long now) {
        return new Inbox(now);
    }

    /** One port's frames. */
    final class Inbox {
        private final byte[][] ring = new byte[PER_PORT][];
        private int head;
        private int size;
        private long dropped;
        /** On the agent's thread: frames were dropped, last at {@link #lastDrop}; the flood may go on. */
        private boolean flooded;
        private long lastDrop;
        /** The policer's theoretical arrival time (GCRA): a frame may be taken while it is at most a burst ahead. */
        private long tat;

        private Inbox(long now) {
            this.tat = now;
        }

        /**
         * A captured frame, from the capture thread: kept, dropping this port's oldest when the port or the
         * whole ingress is full (or dropped itself when full and this port holds none).
         *
         * @return true when the inbox was empty: the agent must be told that a frame waits
         */
        synchronized boolean offer(byte[] frame) {
            if (size == PER_PORT || held.get() >= TOTAL) {
                dropped++;
                if (size == 0) {
                    return false;
                }
                removeHead();
            }
            ring[(head + size) % PER_PORT] = frame;
            size++;
            held.incrementAndGet();
            return size == 1;
        }

        /**
         * The next frame to decode, or null when none waits or the policer holds this port back until
         * {@link #nextTake}. Of several LACPDUs waiting only the newest is taken, the older ones are dropped:
         * a partner identity that changes on every frame costs one reselection per take, not one per frame.
         */
        synchronized byte[] take(long now) {
            if (size == 0 || tat - now > (BURST - 1) * INTERVAL) {
                return null;
            }
            while (size > 1 && isLacpdu(ring[head]) && laterLacpdu()) {
                removeHead();
                dropped++;
            }
            byte[] frame = removeHead();
            tat = (tat - now < 0 ? now : tat) + INTERVAL;
            return frame;
        }

        /** When {@link #take} next gives a frame, or {@link io.lacpd.core.LacpSystem#NO_DEADLINE} when none waits. */
        synchronized long nextTake() {
            return size == 0 ? LacpSystem.NO_DEADLINE : tat - (BURST - 1) * INTERVAL;
        }

        /**
         * Frames dropped since the last call, noted at {@code now} on the agent's thread: {@link #floodEnded}
         * follows from them.
         */
        synchronized long takeDropped(long now) {
            long d = dropped;
            dropped = 0;
            if (d > 0) {
                flooded = true;
                lastDrop = now;
            }
            return d;
        }

        /** True once, when nothing was dropped for {@link #QUIET} after a drop: a flood has ended. */
        boolean floodEnded(long now) {
            if (flooded && now - lastDrop >= QUIET) {
                flooded = false;
                return true;
            }
            return false;
        }

        /** When {@link #floodEnded} may turn true, or {@link LacpSystem#NO_DEADLINE}. */
        long floodEndDeadline() {
            return flooded ? lastDrop + QUIET : LacpSystem.NO_DEADLINE;
        }

        /** Drops every frame held, uncounted: the port is gone. */
        synchronized void clear() {
            while (size > 0) {
                removeHead();
            }
        }

        private boolean laterLacpdu() {
            for (int i = 1; i < size; i++) {
                if (isLacpdu(ring[(head + i) % PER_PORT])) {
                    return true;
                }
            }
            return false;
        }

        private byte[] removeHead() {
            byte[] frame = ring[head];
            ring[head] = null;
            head = (head + 1) % PER_PORT;
            size--;
            held.decrementAndGet();
            return frame;
        }
    }

    /** An LACPDU by its EtherType and subtype alone: the check costs two reads, no decoding. */
    static boolean isLacpdu(byte[] frame) {
        int etherType = SlowProtocolCodec.ETHERNET_HEADER_LENGTH - 2;
        return frame.length > SlowProtocolCodec.ETHERNET_HEADER_LENGTH
                && ((frame[etherType] & 0xFF) << 8 | frame[etherType + 1] & 0xFF) == SlowProtocolCodec.SLOW_PROTOCOLS_ETHERTYPE
                && frame[SlowProtocolCodec.ETHERNET_HEADER_LENGTH] == SlowProtocolCodec.SUBTYPE_LACP;
    }
}
