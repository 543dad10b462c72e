package io.lacpd.team;

import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.mode.TeamingMode;

import java.util.List;

/**
 * What a {@link Team} says at one moment, immutable: the source of status output and of the data path's map.
 *
 * @param mode             the teaming mode
 * @param policy           the rules the answer was reached by
 * @param health           up, degraded or down
 * @param activeAggregator the LACP aggregator carrying the team's traffic, or 0 for none (and outside lacp mode)
 * @param activeReason     why that aggregator, by the policy's {@link AggregatorSelect} rule
 * @param activeTie        another aggregator was as good by that rule: the lower id won
 * @param members          every member, in the order configured
 * @param map              the member map published to the data path
 * @param changedAt        when this answer was reached (the time given with the input that changed it)
 * @param lacpFallback     where the team stands with its LACP fallback
 */
public record TeamState(TeamingMode mode, TeamPolicy policy, TeamHealth health, int activeAggregator,
                        ActiveReason activeReason, boolean activeTie, List<MemberStatus> members, MemberMap map,
                        long changedAt, LacpFallback lacpFallback) {

    public TeamState {
        members = List.copyOf(members);
    }

    /** The member of that name, or null. */
    public MemberStatus member(String name) {
        for (MemberStatus m : members) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }
}
