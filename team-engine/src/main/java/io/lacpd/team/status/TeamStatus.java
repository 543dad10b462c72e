package io.lacpd.team.status;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PeriodicState;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.Team;
import io.lacpd.team.TeamState;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.member.FailureCode;
import io.lacpd.team.member.FailureReason;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.member.MemberRole;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.member.OperStatus;
import io.lacpd.team.mode.TeamingMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One team for the status renderers: what the {@link Team} decided (which aggregator is active, which members
 * carry traffic and why the others do not, up, degraded or down) beside the LACP system's detail, both taken at
 * the same moment. Nothing here decides; it finds and words.
 *
 * @param name      the team's name
 * @param team      the team's answer
 * @param snapshot  the LACP system at the same moment
 * @param dataPlane the data plane, also at that moment
 * @param diagnostics the settings and member histories shown beside them, {@link Diagnostics#NONE} when unknown
 */
public record TeamStatus(String name, TeamState team, SystemSnapshot snapshot, DataPlaneStatus dataPlane,
                         Diagnostics diagnostics) {

    /** A team of which no history is known. */
    public TeamStatus(String name, TeamState team, SystemSnapshot snapshot, DataPlaneStatus dataPlane) {
        this(name, team, snapshot, dataPlane, Diagnostics.NONE);
    }

    /** A team without a data plane (a pure LACP speaker). */
    public TeamStatus(String name, TeamState team, SystemSnapshot snapshot) {
        this(name, team, snapshot, DataPlaneStatus.none(LoadBalancingAlgorithm.TRANSPORT_PORTS));
    }

    /**
     * The status of an LACP team whose members are the snapshot's ports, all Active, as a {@link Team} following
     * that snapshot says it.
     *
     * @param mode the teaming mode, in our spelling or Windows'
     */
    public TeamStatus(String name, String mode, SystemSnapshot snapshot) {
        this(name, follow(TeamingMode.parse(mode).orElseThrow(() -> new IllegalArgumentException("mode " + mode)),
                snapshot), snapshot);
    }

    private static TeamState follow(TeamingMode mode, SystemSnapshot snapshot) {
        Team team = new Team(mode, Team.activeMembers(snapshot.ports().stream().map(PortSnapshot::name).toList()), 0);
        team.onLacpSnapshot(snapshot, 0);
        return team.state();
    }

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

    /** Nanoseconds as whole milliseconds, rounded down, as status shows durations. */
    public static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * Whether the port's partner is configured Partner_Admin values (Actor Defaulted, 802.1AX-2014 6.4.9
     * recordDefault) rather than what a LACPDU said; all-zero admin values, the default, are no partner at all.
     */
    public static boolean partnerFromAdmin(PortSnapshot p) {
        return p.actor().state().has(StateBit.DEFAULTED) && !p.partner().sameIdentity(PortInfo.NONE);
    }

    /**
     * The partner's version 2 TLVs in words, e.g. {@code port algorithm 00-80-C2:5 (ECMP flow hash); ...}; null
     * when its last LACPDU had none.
     */
    public static String partnerV2(LacpV2Info v2) {
        if (!v2.present()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (v2.portAlgorithm() != null) {
            parts.add("port algorithm " + v2.portAlgorithm() + " (" + v2.portAlgorithm().name() + ")");
        }
        if (v2.conversationIdDigest() != null) {
            parts.add("conversation ID digest link " + v2.conversationIdDigest().linkNumberId() + " "
                    + v2.conversationIdDigest().digest());
        }
        LacpV2Info.ConversationMask m = v2.conversationMask();
        if (m != null) {
            List<String> masks = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                if (m.present(i)) {
                    masks.add(String.valueOf(i));
                }
            }
            parts.add("conversation mask " + (m.state() < 0 ? "" : String.format("state 0x%02x, ", m.state()))
                    + m.conversations() + " of 4096 conversations (mask " + String.join(",", masks) + ")");
        }
        if (v2.serviceMappingDigest() != null) {
            parts.add("service mapping digest " + v2.serviceMappingDigest());
        }
        long unknown = v2.tlvs().stream().filter(t -> t.type() < 4 || t.type() > 10).count();
        if (unknown > 0) {
            parts.add(unknown + (unknown == 1 ? " TLV" : " TLVs") + " of unknown type");
        }
        if (!v2.problems().isEmpty()) {
            parts.add("malformed: " + String.join("; ", v2.problems()));
        }
        return String.join("; ", parts); // never empty: each TLV is decoded, of unknown type, or malformed
    }

    /** How fast we send: {@code fast}, {@code slow}, or {@code none} while the Periodic machine is in NO_PERIODIC. */
    public static String weSend(PortSnapshot p) {
        if (p.periodicState() == PeriodicState.NO_PERIODIC) {
            return "none";
        }
        // The Periodic machine follows the partner's LACP_Timeout (802.1AX-2014 6.4.13), as recorded.
        return p.partner().state().has(StateBit.LACP_TIMEOUT) ? "fast" : "slow";
    }

    /** What our LACP_Timeout asks of the partner: {@code fast} (short timeout) or {@code slow} (long). */
    public static String weAsk(PortSnapshot p) {
        return p.actor().state().has(StateBit.LACP_TIMEOUT) ? "fast" : "slow";
    }

    /**
     * Both rates and why they differ, then the time left: e.g. {@code we ask for slow; we send fast because the
     * partner asks; next LACPDU in 0.400 s; partner information expires in 89.600 s}.
     */
    public static String rate(PortSnapshot p) {
        StringBuilder sb = new StringBuilder("we ask for ").append(weAsk(p)).append("; ");
        String send = weSend(p);
        if (send.equals("none")) {
            sb.append("we send no periodic LACPDUs (link down, LACP disabled, or both ends passive)");
        } else {
            sb.append("we send ").append(send).append(switch (p.receiveState()) {
                case EXPIRED -> ": the partner's information expired";
                case DEFAULTED -> TeamStatus.partnerFromAdmin(p) ? " as the partner admin values ask" : ": no partner heard";
                default -> send.equals(weAsk(p)) ? " as the partner asks" : " because the partner asks";
            });
        }
        PortSnapshot.Timers t = p.timers();
        if (t.periodic() >= 0) {
            sb.append("; next LACPDU in ").append(seconds(t.periodic()));
        }
        if (t.currentWhile() >= 0) {
            sb.append(p.receiveState() == ReceiveState.EXPIRED ? "; partner defaulted in " : "; partner information expires in ")
                    .append(seconds(t.currentWhile()));
        }
        if (t.waitWhile() >= 0) {
            sb.append("; aggregate wait over in ").append(seconds(t.waitWhile()));
        }
        return sb.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }

    /** The teaming mode's config name, e.g. {@code lacp}. */
    public String mode() {
        return team.mode().configName();
    }

    /** Switch-independent: the primary member's name (it holds the team MAC); null in other modes or when none. */
    public String primary() {
        int slot = team.map().primary();
        return slot == MemberMap.NONE ? null : team.map().member(slot).name();
    }

    /** The LACP fallback in words, or null when the team has none. */
    public String lacpFallback() {
        return switch (team.lacpFallback()) {
            case OFF -> null;
            case WAITING -> "active-backup, waiting (no LACPDU heard yet)";
            case ACTIVE -> "active-backup in force: " + (primary() == null ? "no member has link"
                    : primary() + " carries the traffic") + " (no LACPDU heard since the start)";
            case ENDED -> "active-backup, ended (LACP heard)";
        };
    }

    /** Whether the switch-independent rules (primary, own source) apply to this team. */
    public boolean switchIndependent() {
        return team.mode() == TeamingMode.SWITCH_INDEPENDENT;
    }

    /** The aggregator carrying the team's traffic, or null when none does. */
    public AggregatorSnapshot activeAggregator() {
        for (AggregatorSnapshot a : snapshot.aggregators()) {
            if (isActive(a)) {
                return a;
            }
        }
        return null;
    }

    /** Whether this aggregator is the team's active one. */
    public boolean isActive(AggregatorSnapshot aggregator) {
        return team.activeAggregator() != 0 && aggregator.id() == team.activeAggregator();
    }

    /**
     * Which rule chose the active aggregator and why, e.g. {@code aggregator select: count, active aggregator 1
     * (most members)}; null outside lacp mode.
     */
    public String activeChoice() {
        if (team.mode() != TeamingMode.LACP) {
            return null;
        }
        String rule = "aggregator select: " + team.policy().aggregatorSelect().configName();
        if (team.activeAggregator() == 0) {
            return rule + ", no active aggregator (no member distributes)";
        }
        String why = switch (team.activeReason()) {
            case NONE -> "no member distributes";
            case ONLY_ONE -> "the only one distributing";
            case MOST_MEMBERS -> "most members";
            case MOST_BANDWIDTH -> "most bandwidth";
            case BEST_PARTNER -> "best partner system priority";
            case KEPT -> "kept: it still has members";
        };
        return rule + ", active aggregator " + team.activeAggregator() + " (" + why
                + (team.activeTie() ? ", a tie: the lowest id" : "") + ")";
    }

    /** Members that could carry traffic but are held down by min-links; 0 while the team is not held down. */
    public int couldCarry() {
        int n = 0;
        for (MemberStatus m : team.members()) {
            if (m.reason() == FailureReason.MIN_LINKS) {
                n++;
            }
        }
        return n;
    }

    /** {@code min links: N}, and when it holds the team down, how many members could carry traffic. */
    public String minLinks() {
        int n = couldCarry();
        return "min links: " + team.policy().minLinks() + (n == 0 ? "" : " (held down: " + onlyCouldCarry(n) + ")");
    }

    private static String onlyCouldCarry(int n) {
        return "only " + n + (n == 1 ? " member could" : " members could") + " carry traffic";
    }

    /** "up" when every member carries traffic, "degraded" when some do, "down" when none does. */
    public String status() {
        return team.health().toString();
    }

    /** The team's member of this name, or null. */
    public MemberStatus member(String port) {
        return team.member(port);
    }

    /**
     * Whether the data path really forwards on this member: the team lets it transmit, and lacpd carries the host's
     * traffic with a socket open on it.
     */
    public boolean carriesTraffic(MemberStatus m) {
        return m != null && m.transmit() && dataPlane.member(m.slot()) != null;
    }

    /** The data path's counters of this member, or null when it has none (no data plane, or not open). */
    public DataPathCounters.Member traffic(MemberStatus m) {
        return m == null ? null : dataPlane.member(m.slot());
    }

    /** How many of the hash buckets this member transmits. */
    public int buckets(MemberStatus m) {
        return m == null ? 0 : team.map().bucketsOf(m.slot());
    }

    /**
     * This member's share of the team's outbound flows, as a fraction to three places: its buckets of the 256,
     * which follow the link speeds (and, with {@code dynamic}, the load).
     */
    public double share(MemberStatus m) {
        return Math.round(buckets(m) * 1000.0 / MemberMap.BUCKETS) / 1000.0;
    }

    /** Why a port carries no team traffic, or null when it does. */
    public String failureReason(PortSnapshot p) {
        MemberStatus m = team.member(p.name());
        if (m == null) {
            return lacpReason(p, "not a member of the team");
        }
        return switch (m.reason()) {
            case NO_FAILURE -> null;
            case LINK_DOWN -> "link down";
            case NOT_PRESENT -> "not present";
            case LACP_NEGOTIATION -> lacpReason(p, "LACP has not put it in Distributing");
            case OTHER_AGGREGATOR -> "in aggregator " + p.aggregatorId() + ", not the active one (another partner or key)";
            case STANDBY -> "standby: an active member has link";
            case MIN_LINKS -> "held down by min-links " + team.policy().minLinks() + ": " + onlyCouldCarry(couldCarry());
            case UNSTABLE -> "link flapping: held out until up for "
                    + team.policy().damping().stableNanos() / 1_000_000_000L + " s without a break";
        };
    }

    /** What the LACP system says of a port that does not distribute; the one place that reads its wording. */
    private static String lacpReason(PortSnapshot p, String otherwise) {
        return p.failureReason() != null ? FailureText.describe(p) : otherwise;
    }

    /** The Windows code of why a port carries no team traffic: {@code NoFailure} when it does. */
    public FailureCode failureCode(PortSnapshot p) {
        MemberStatus m = team.member(p.name());
        if (m == null) {
            return FailureCode.LacpNegotiationIssue;
        }
        MemberHistory h = diagnostics.member(p.name());
        return FailureCode.of(m.reason(), h == null || h.present());
    }

    /** The member's status in Windows' words, or null for a port that is not a member. */
    public OperStatus operStatus(PortSnapshot p) {
        MemberStatus m = team.member(p.name());
        return m == null ? null : OperStatus.of(m);
    }

    /** {@code Active} or {@code Standby}, the member's configured role; null for a port that is not a member. */
    public String administrativeMode(PortSnapshot p) {
        MemberStatus m = team.member(p.name());
        return m == null ? null : m.role() == MemberRole.ACTIVE ? "Active" : "Standby";
    }

    /** The partner's state octet, or -1 when no partner is known (no LACPDU heard and no admin values). */
    public static int partnerStateOctet(PortSnapshot p) {
        return p.partner().sameIdentity(PortInfo.NONE) ? -1 : p.partner().state().bits();
    }
}
