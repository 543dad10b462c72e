package io.lacpd.team.status;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.StateBit;

import java.util.List;

/**
 * The team's view of its LACP system: which aggregator carries the team's traffic, and whether the team is
 * up, degraded or down. Pure functions of a snapshot.
 *
 * <p>The active aggregator is the one with the most distributing ports (ties: the lowest id), as Linux
 * bonding's ad_select=count does; a team uses one aggregator at a time, so links to another partner or with
 * another key stay out of its traffic.
 *
 * @param name     the team's name
 * @param mode     the teaming mode
 * @param snapshot the LACP system at one moment
 */
public record TeamStatus(String name, String mode, SystemSnapshot snapshot) {

    /**
     * The state bits the status shows by name, in this order; activity and timeout are shown as words instead
     * (see {@link #activity} and {@link #timeout}).
     */
    public static final List<StateBit> SHOWN_BITS = List.of(StateBit.AGGREGATION, StateBit.SYNCHRONIZATION,
            StateBit.COLLECTING, StateBit.DISTRIBUTING, StateBit.DEFAULTED, StateBit.EXPIRED);

    /** "active" or "passive": the LACP_Activity bit of this state. */
    public static String activity(LacpState state) {
        return state.has(StateBit.LACP_ACTIVITY) ? "active" : "passive";
    }

    /** "short" or "long": the LACP_Timeout bit of this state. */
    public static String timeout(LacpState state) {
        return state.has(StateBit.LACP_TIMEOUT) ? "short" : "long";
    }

    /** The aggregator carrying the team's traffic, or null when no port distributes. */
    public AggregatorSnapshot activeAggregator() {
        AggregatorSnapshot best = null;
        for (AggregatorSnapshot a : snapshot.aggregators()) {
            if (!a.distributingPorts().isEmpty()
                    && (best == null || a.distributingPorts().size() > best.distributingPorts().size())) {
                best = a;
            }
        }
        return best;
    }

    /** Whether this aggregator is the {@linkplain #activeAggregator active} one. */
    public boolean isActive(AggregatorSnapshot aggregator) {
        return isActive(aggregator.id());
    }

    private boolean isActive(int aggregatorId) {
        AggregatorSnapshot active = activeAggregator();
        return active != null && active.id() == aggregatorId;
    }

    /** "up" when every port carries traffic, "degraded" when some do, "down" when none does. */
    public String status() {
        AggregatorSnapshot active = activeAggregator();
        if (active == null) {
            return "down";
        }
        return active.distributingPorts().size() == snapshot.ports().size() ? "up" : "degraded";
    }

    /** Why a port carries no team traffic, or null when it does. */
    public String failureReason(PortSnapshot p) {
        if (p.failureReason() != null) {
            return FailureText.describe(p);
        }
        return isActive(p.aggregatorId()) ? null
                : "in aggregator " + p.aggregatorId() + ", not the active one (another partner or key)";
    }
}
