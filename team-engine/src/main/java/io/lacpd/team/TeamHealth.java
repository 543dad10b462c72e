package io.lacpd.team;

import java.util.Locale;

/** The team as a whole, as status shows it. */
public enum TeamHealth {
    /** Every member transmits. */
    UP,
    /** Some members transmit, not all. */
    DEGRADED,
    /** No member transmits: the team carries nothing. */
    DOWN;

    /** The word status uses: {@code up}, {@code degraded}, {@code down}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
