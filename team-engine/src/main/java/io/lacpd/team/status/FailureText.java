package io.lacpd.team.status;

import io.lacpd.core.FailureReason;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.pdu.StateBit;

/** Words a port's {@link FailureReason} for operators: the failure_reason strings of docs/status.md. */
public final class FailureText {

    private FailureText() {
    }

    /** Why the port does not distribute, in the words an operator would look for; null when it does. */
    public static String describe(PortSnapshot p) {
        FailureReason reason = p.failureReason();
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case LINK_DOWN -> "link down";
            case LACP_DISABLED -> "half duplex: LACP disabled";
            case LOOPBACK -> "loopback: the partner is this system";
            case PARTNER_EXPIRED -> "partner expired: no LACPDU within the timeout";
            case PARTNER_DEFAULTED -> p.actor().state().has(StateBit.LACP_ACTIVITY)
                    ? "no partner: no LACPDU received (defaulted)"
                    : "no partner: passive, and no active partner spoke (defaulted)";
            case NOT_SELECTED -> "not selected";
            case WAITING -> "waiting for Aggregate_Wait_Time";
            case PARTNER_NOT_IN_SYNC -> "partner not in sync";
            case PARTNER_NOT_COLLECTING -> "partner not collecting";
            case DETACHED -> "detaching";
        };
    }
}
