package io.lacpd.team.member;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Holds a member whose link flaps out of the team until it has been stable for a while, as Windows NIC Teaming's
 * WaitingForStableConnectivity: a link that goes down more than {@link Settings#maxFlaps} times within
 * {@link Settings#windowNanos} is held out, and let back once it has been up for {@link Settings#stableNanos}
 * without a break. A loose cable then costs the team one member instead of a burst of failovers. Ours, not the
 * standard's; off unless configured. Pure: time is given, deadlines are data.
 */
public final class FlapDamping {

    /**
     * When a member counts as flapping, and how long it must be stable to come back.
     *
     * @param maxFlaps    link losses allowed within the window; one more holds the member out; 0 turns damping off
     * @param windowNanos the window the losses are counted in
     * @param stableNanos how long the link must stay up before a held member comes back
     */
    public record Settings(int maxFlaps, long windowNanos, long stableNanos) {

        /** No damping. */
        public static final Settings OFF = new Settings(0, 0, 0);

        public Settings {
            if (maxFlaps < 0 || windowNanos < 0 || stableNanos < 0) {
                throw new IllegalArgumentException("flap damping " + maxFlaps + " flaps in " + windowNanos
                        + " ns, stable " + stableNanos + " ns (expected: none negative)");
            }
        }

        /** Whether damping is on. */
        public boolean on() {
            return maxFlaps > 0;
        }
    }

    /** One member's recent link losses, its link, and since when that has been up. */
    private static final class Member {
        final ArrayDeque<Long> losses = new ArrayDeque<>();
        boolean up;
        boolean held;
        long upSince;
    }

    private Settings settings;
    private final Map<String, Member> members = new HashMap<>();

    /** Damping by these settings. */
    public FlapDamping(Settings settings) {
        this.settings = settings;
    }

    /** New settings; a member held stays held until it is stable by them (or at once when damping is off). */
    public void configure(Settings next, long now) {
        settings = next;
        advance(now);
    }

    /**
     * A member's link as reported.
     *
     * @return whether the member was held out or let back by it
     */
    public boolean onLink(String name, boolean up, long now) {
        Member m = members.computeIfAbsent(name, n -> new Member());
        boolean was = m.up;
        m.up = up;
        if (!settings.on()) {
            return false;
        }
        if (was && !up) {
            m.losses.addLast(now);
            while (now - m.losses.peekFirst() > settings.windowNanos) {
                m.losses.removeFirst();
            }
            if (!m.held && m.losses.size() > settings.maxFlaps) {
                m.held = true;
                return true;
            }
        }
        if (up && !was) {
            m.upSince = now;
        }
        return false;
    }

    /**
     * Lets back each held member whose link has been up for the stable time by now.
     *
     * @return whether any was let back
     */
    public boolean advance(long now) {
        boolean changed = false;
        for (Member m : members.values()) {
            if (m.held && (!settings.on() || m.up && now - m.upSince >= settings.stableNanos)) {
                m.held = false;
                m.losses.clear();
                changed = true;
            }
        }
        return changed;
    }

    /** Whether this member is held out now. */
    public boolean held(String name) {
        Member m = members.get(name);
        return m != null && m.held;
    }
}
