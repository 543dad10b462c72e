package io.lacpd.core;

import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.PortInfo;

/**
 * One port at one moment. States carry the standard's names (802.1AX-2014 6.4.12 to 6.4.17).
 *
 * @param name          the port's name
 * @param link          link state as last reported
 * @param selected      Selected == SELECTED
 * @param aggregatorId  the aggregator selected, or 0 for none
 * @param receiveState  Receive machine state, e.g. CURRENT
 * @param periodicState Periodic Transmission machine state, e.g. FAST_PERIODIC
 * @param muxState      Mux machine state, e.g. COLLECTING_DISTRIBUTING
 * @param actor         this port as advertised (Actor_Oper values)
 * @param partner       the partner as recorded (Partner_Oper values)
 * @param churn         churn machine states and counts
 * @param counters      frame counters
 * @param failureReason why the port does not distribute, or null when it does
 * @param partnerV2     the version 2 TLVs of the partner's last LACPDU (802.1AX-2014 6.4.2.4), NONE when it sent
 *                      none or the partner is the default
 * @param lastIllegalReason why the last illegal frame on this port was illegal, or null when none was
 * @param timers        the time left on the port's timers when the snapshot was taken
 * @param lacpduAge     nanoseconds since the last well-formed LACPDU arrived, or -1 when none has (ours)
 */
public record PortSnapshot(String name, LinkStatus link, boolean selected, int aggregatorId,
                           ReceiveState receiveState, PeriodicState periodicState, MuxState muxState,
                           PortInfo actor, PortInfo partner, ChurnStatus churn, PortCounters counters,
                           FailureReason failureReason, LacpV2Info partnerV2, String lastIllegalReason,
                           Timers timers, long lacpduAge) {

    /** A port of which no LACPDU's arrival time is known. */
    public PortSnapshot(String name, LinkStatus link, boolean selected, int aggregatorId, ReceiveState receiveState,
                        PeriodicState periodicState, MuxState muxState, PortInfo actor, PortInfo partner,
                        ChurnStatus churn, PortCounters counters, FailureReason failureReason, LacpV2Info partnerV2,
                        String lastIllegalReason, Timers timers) {
        this(name, link, selected, aggregatorId, receiveState, periodicState, muxState, actor, partner, churn, counters,
                failureReason, partnerV2, lastIllegalReason, timers, -1);
    }

    /** Link state of a port. */
    public record LinkStatus(boolean up, int speedMbps, Duplex duplex) {
    }

    /**
     * Churn Detection at one moment.
     *
     * @param actor        actor churn machine state, e.g. NO_ACTOR_CHURN
     * @param partner      partner churn machine state, e.g. PARTNER_CHURN_MONITOR
     * @param actorCount   Actor_Churn_Count
     * @param partnerCount Partner_Churn_Count
     */
    public record ChurnStatus(ChurnState actor, ChurnState partner, long actorCount, long partnerCount) {
    }

    /**
     * Nanoseconds left on the port's timers (802.1AX-2014 6.4.8), each 0 once expired and -1 when the machine's
     * present state does not read it (current_while outside CURRENT and EXPIRED, wait_while outside WAITING, the
     * periodic timer in NO_PERIODIC).
     *
     * @param currentWhile until the partner's information expires (CURRENT) or is replaced by the defaults (EXPIRED)
     * @param periodic     until the Periodic machine's next LACPDU
     * @param waitWhile    until Aggregate_Wait_Time is over (Mux WAITING)
     */
    public record Timers(long currentWhile, long periodic, long waitWhile) {

        /** No timer running. */
        public static final Timers NONE = new Timers(-1, -1, -1);
    }

    /** True when the port carries frames out (Actor Distributing). */
    public boolean distributing() {
        return actor.state().has(io.lacpd.core.pdu.StateBit.DISTRIBUTING);
    }
}
