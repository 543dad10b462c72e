package io.lacpd.team.events;

/**
 * One thing that happened to the team.
 *
 * @param atMillis when, in milliseconds since the epoch
 * @param text     what, as the log words it, e.g. {@code eth1: link down}
 */
public record TeamEvent(long atMillis, String text) {
}
