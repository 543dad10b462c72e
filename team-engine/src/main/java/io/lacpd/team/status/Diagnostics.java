package io.lacpd.team.status;

import io.lacpd.team.member.MemberHistory;

import java.util.Map;

/**
 * What the status shows beside the team's answer and the LACP detail: the configured LACP rate and activity, and
 * each member's history (link flaps, partner changes, since when in its present status), at one moment.
 *
 * @param atMillis     the moment, in milliseconds since the epoch; -1 when unknown
 * @param lacpRate     {@code fast} or {@code slow} as configured, or null when unknown
 * @param lacpActivity {@code active} or {@code passive} as configured, or null when unknown
 * @param members      each member's history by name
 */
public record Diagnostics(long atMillis, String lacpRate, String lacpActivity, Map<String, MemberHistory> members) {

    /** Nothing known beyond the team's answer and the LACP system. */
    public static final Diagnostics NONE = new Diagnostics(-1, null, null, Map.of());

    public Diagnostics {
        members = Map.copyOf(members);
    }

    /** The member's history, or null when none was kept. */
    public MemberHistory member(String name) {
        return members.get(name);
    }
}
