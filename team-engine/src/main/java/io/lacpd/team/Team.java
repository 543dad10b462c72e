package io.lacpd.team;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.LacpEvent;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.balance.BucketTable;
import io.lacpd.team.balance.Rebalancer;
import io.lacpd.team.member.FailureReason;
import io.lacpd.team.member.FlapDamping;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberConfig;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberRole;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.mode.TeamingMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The team's control plane: from LACP's facts, the members' links and the operator's settings, which members
 * carry the team's traffic, and why the others do not. The one place that decides it; status and the data path
 * read its answer.
 *
 * <ul>
 *   <li>{@code lacp}: the active aggregator is chosen among those with distributing ports by the policy's
 *       {@link AggregatorSelect} rule (most members by default, ties: the lowest id), as Linux bonding's ad_select;
 *       a member transmits when Distributing in it and receives when Collecting in it. A team uses one
 *       aggregator at a time, so links to another partner or with another key stay out of its traffic.</li>
 *   <li>{@code static}: every member with link up transmits and receives.</li>
 *   <li>{@code switch-independent}: Active members with link up; when none has link, the Standby ones with link
 *       up. The first configured of them is the primary ({@link MemberMap#primary}), which holds the team MAC.</li>
 * </ul>
 *
 * <p>In {@code lacp} mode with the policy's LACP fallback, while no LACPDU has been heard on any member since the
 * team was made, and the fallback timeout has passed: the first configured member with link up carries the traffic
 * (and is the primary), as in a switch-independent Active/Standby team, until LACP is heard ({@link LacpFallback}).
 * The caller gives the time of the timeout's end through {@link #advance}, as no other input may come then.
 *
 * <p>Whatever the mode, the policy's min-links holds the whole team down (no member transmits or receives) while
 * fewer members than that could transmit.
 *
 * <p>Pure and single-threaded: the inputs are called on one thread (the LACP loop) with the time read there;
 * the answer is published through one atomic reference, so {@link #state} and {@link #current} may be read from
 * any thread. A new {@link MemberMap} (with a new version) is made only when what the data path reads changes,
 * and its buckets move as little as {@link BucketTable} allows.
 */
public final class Team {

    /** What LACP last said of one port. */
    private static final class LacpFacts {
        int aggregator; // attached to, 0 for none
        boolean collecting;
        boolean distributing;
    }

    /** What the link monitor last said of one member. */
    private record Link(boolean up, MacAddress mac, int speedMbps) {
    }

    private static final Link UNKNOWN_LINK = new Link(false, MacAddress.ZERO, 0);

    /** The distributing members of one aggregator, as the {@link AggregatorSelect} rules weigh them. */
    private static final class Candidate {
        final int id;
        int members;
        long bandwidthMbps;
        /** The partner's system identifier, or null while unknown (a defaulted port's partner is not reported). */
        PortInfo partner;

        Candidate(int id) {
            this.id = id;
        }
    }

    /** Partner system identifiers, best first (802.1AX: priority, then MAC); unknown last. */
    private static final Comparator<PortInfo> BEST_PARTNER = Comparator.nullsLast(
            Comparator.<PortInfo>comparingInt(PortInfo::systemPriority).thenComparingLong(p -> p.system().bits()));

    private final Consumer<MemberMap> publisher;
    private final AtomicReference<TeamState> published;
    private final Map<String, LacpFacts> lacp = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();
    /** Members whose interface the link monitor says does not exist. */
    private final Set<String> absent = new HashSet<>();
    /** Each port's partner as its last LACPDU named it; absent while unknown. */
    private final Map<String, PortInfo> partners = new HashMap<>();
    private TeamingMode mode;
    private TeamPolicy policy;
    private List<MemberConfig> members;
    /** When the team was made: its LACP fallback counts from there. */
    private final long startedAt;
    /** A LACPDU named a partner, or a member distributed, since the team was made. */
    private boolean lacpHeard;
    /** Holds flapping members out, by the policy's damping settings. */
    private final FlapDamping damping;
    /** By slot, the link speeds the buckets were last spread by. */
    private int[] weights = new int[MemberMap.MAX_MEMBERS];

    /**
     * A team whose members have no link and no LACP state yet.
     *
     * @param mode      the teaming mode
     * @param policy    the aggregator selection rule and the other traffic rules
     * @param members   the members, each with its own slot and name
     * @param publisher called with each new member map, on the thread that gave the input
     * @param now       the time, for {@link TeamState#changedAt}
     */
    public Team(TeamingMode mode, TeamPolicy policy, List<MemberConfig> members, Consumer<MemberMap> publisher,
                long now) {
        this.publisher = publisher;
        this.mode = mode;
        this.policy = policy;
        this.members = checked(members);
        this.startedAt = now;
        this.damping = new FlapDamping(policy.damping());
        this.published = new AtomicReference<>(new TeamState(mode, policy, TeamHealth.DOWN, 0, ActiveReason.NONE, false,
                List.of(), MemberMap.EMPTY, now, LacpFallback.OFF));
        update(now);
    }

    /** A team whose maps are read through {@link #current} alone. */
    public Team(TeamingMode mode, TeamPolicy policy, List<MemberConfig> members, long now) {
        this(mode, policy, members, map -> { }, now);
    }

    /** A team with the {@link TeamPolicy#DEFAULT} policy. */
    public Team(TeamingMode mode, List<MemberConfig> members, Consumer<MemberMap> publisher, long now) {
        this(mode, TeamPolicy.DEFAULT, members, publisher, now);
    }

    /** A team whose maps are read through {@link #current} alone. */
    public Team(TeamingMode mode, List<MemberConfig> members, long now) {
        this(mode, members, map -> { }, now);
    }

    /** Active members named in this order, in slots 0, 1, ... */
    public static List<MemberConfig> activeMembers(List<String> names) {
        List<MemberConfig> configs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            configs.add(new MemberConfig(i, names.get(i), MemberRole.ACTIVE));
        }
        return configs;
    }

    private static List<MemberConfig> checked(List<MemberConfig> members) {
        Set<Integer> slots = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (MemberConfig m : members) {
            if (!slots.add(m.slot()) || !names.add(m.name())) {
                throw new IllegalArgumentException("member " + m.name() + " in slot " + m.slot()
                        + ": the name or the slot is given twice");
            }
        }
        return List.copyOf(members);
    }

    /** The answer as of the last input; any thread. */
    public TeamState state() {
        return published.get();
    }

    /** The member map as of the last input; any thread. */
    public MemberMap current() {
        return published.get().map();
    }

    /** New settings: the mode, and the member list with slots and roles. Members kept keep their facts. */
    public void configure(TeamingMode newMode, List<MemberConfig> newMembers, long now) {
        configure(newMode, policy, newMembers, now);
    }

    /** New settings, the policy with them. Members kept keep their facts, and the active aggregator its place. */
    public void configure(TeamingMode newMode, TeamPolicy newPolicy, List<MemberConfig> newMembers, long now) {
        members = checked(newMembers);
        mode = newMode;
        policy = newPolicy;
        damping.configure(newPolicy.damping(), now);
        update(now);
    }

    /** Sets a member Active or Standby. */
    public void setRole(String name, MemberRole role, long now) {
        List<MemberConfig> next = new ArrayList<>();
        boolean found = false;
        for (MemberConfig m : members) {
            found |= m.name().equals(name);
            next.add(m.name().equals(name) ? new MemberConfig(m.slot(), name, role) : m);
        }
        if (!found) {
            throw new IllegalArgumentException("no member " + name);
        }
        configure(mode, next, now);
    }

    /**
     * A member's link as the link monitor reports it.
     *
     * @param up        carrier present (and the interface exists)
     * @param mac       the interface's own MAC
     * @param speedMbps the link's speed, 0 when unknown: {@link AggregatorSelect#BANDWIDTH} weighs it
     */
    public void onLink(String name, boolean up, MacAddress mac, int speedMbps, long now) {
        links.put(name, new Link(up, mac, speedMbps));
        damping.onLink(name, up, now);
        update(now);
    }

    /**
     * The time passes: flap damping lets back members that have been stable long enough, and the LACP fallback
     * comes into force at {@link #lacpFallbackAt()}.
     */
    public void advance(long now) {
        damping.advance(now);
        update(now);
    }

    /**
     * A member's link, and whether its interface exists at all: a member whose interface is missing (not created
     * yet, or deleted) is {@link FailureReason#NOT_PRESENT} rather than {@link FailureReason#LINK_DOWN}.
     */
    public void onLink(String name, boolean present, boolean up, MacAddress mac, int speedMbps, long now) {
        if (present) {
            absent.remove(name);
        } else {
            absent.add(name);
        }
        onLink(name, present && up, mac, speedMbps, now);
    }

    /** A member's link, its speed unknown. */
    public void onLink(String name, boolean up, MacAddress mac, long now) {
        onLink(name, up, mac, 0, now);
    }

    /** An event of the team's LACP system: the attachment, Collecting, Distributing and partner of its ports. */
    public void onLacpEvent(LacpEvent event, long now) {
        if (event instanceof LacpEvent.PortAttached e) {
            facts(e.port()).aggregator = e.aggregatorId();
        } else if (event instanceof LacpEvent.PortDetached e) {
            facts(e.port()).aggregator = 0;
        } else if (event instanceof LacpEvent.CollectingChanged e) {
            facts(e.port()).collecting = e.collecting();
        } else if (event instanceof LacpEvent.DistributingChanged e) {
            facts(e.port()).distributing = e.distributing();
            lacpHeard |= e.distributing();
        } else if (event instanceof LacpEvent.PartnerChanged e) {
            partners.put(e.port(), e.current());
            lacpHeard = true;
        } else if (event instanceof LacpEvent.PartnerDefaulted e) {
            partners.remove(e.port()); // the admin values, which events do not carry
        } else {
            return; // selection, churn: they matter through the events above
        }
        update(now);
    }

    /**
     * Everything the LACP system says at once, in place of what its events said: the attachment, Collecting,
     * Distributing and partner of every port, and the links of the members it has.
     */
    public void onLacpSnapshot(SystemSnapshot snapshot, long now) {
        lacp.clear();
        partners.clear();
        for (AggregatorSnapshot a : snapshot.aggregators()) {
            for (String port : a.attachedPorts()) {
                facts(port).aggregator = a.id();
            }
        }
        for (PortSnapshot p : snapshot.ports()) {
            LacpFacts f = facts(p.name());
            f.collecting = p.actor().state().has(StateBit.COLLECTING);
            f.distributing = p.actor().state().has(StateBit.DISTRIBUTING);
            links.put(p.name(), new Link(p.link().up(), links.getOrDefault(p.name(), UNKNOWN_LINK).mac(),
                    p.link().speedMbps()));
            partners.put(p.name(), p.partner());
        }
        update(now);
    }

    /** When the LACP fallback may come into force: the start plus its timeout (meaningful with a fallback set). */
    public long lacpFallbackAt() {
        return startedAt + policy.lacpFallbackNanos();
    }

    private LacpFallback fallback(long now) {
        if (mode != TeamingMode.LACP || policy.lacpFallbackNanos() == 0) {
            return LacpFallback.OFF;
        }
        if (lacpHeard) {
            return LacpFallback.ENDED;
        }
        return now - lacpFallbackAt() >= 0 ? LacpFallback.ACTIVE : LacpFallback.WAITING;
    }

    /** The member that carries the traffic while the LACP fallback is in force: the first configured with link. */
    private String fallbackMember() {
        for (MemberConfig m : members) {
            if (link(m).up() && !damping.held(m.name())) {
                return m.name();
            }
        }
        return null;
    }

    private LacpFacts facts(String port) {
        return lacp.computeIfAbsent(port, p -> new LacpFacts());
    }

    /** The active aggregator and why, by the policy's rule; id 0 when no port distributes. */
    private record Choice(int id, ActiveReason reason, boolean tie) {
    }

    private static final Choice NO_CHOICE = new Choice(0, ActiveReason.NONE, false);

    /** The one place that decides which aggregator carries the team's traffic. */
    private Choice activeAggregator(int previous) {
        Map<Integer, Candidate> candidates = new TreeMap<>();
        for (Map.Entry<String, LacpFacts> e : lacp.entrySet()) {
            LacpFacts f = e.getValue();
            if (f.aggregator != 0 && f.distributing) {
                Candidate c = candidates.computeIfAbsent(f.aggregator, Candidate::new);
                c.members++;
                c.bandwidthMbps += links.getOrDefault(e.getKey(), UNKNOWN_LINK).speedMbps();
                PortInfo partner = partners.get(e.getKey());
                if (partner != null && BEST_PARTNER.compare(partner, c.partner) < 0) {
                    c.partner = partner;
                }
            }
        }
        if (candidates.isEmpty()) {
            return NO_CHOICE;
        }
        if (candidates.size() == 1) {
            return new Choice(candidates.keySet().iterator().next(), ActiveReason.ONLY_ONE, false);
        }
        AggregatorSelect rule = policy.aggregatorSelect();
        if (rule == AggregatorSelect.STABLE && candidates.containsKey(previous)) {
            return new Choice(previous, ActiveReason.KEPT, false);
        }
        Comparator<Candidate> mostMembers = Comparator.comparingInt((Candidate c) -> c.members).reversed();
        Comparator<Candidate> better = switch (rule) {
            case COUNT, STABLE -> mostMembers;
            case BANDWIDTH -> Comparator.comparingLong((Candidate c) -> c.bandwidthMbps).reversed().thenComparing(mostMembers);
            case PRIORITY -> Comparator.comparing((Candidate c) -> c.partner, BEST_PARTNER).thenComparing(mostMembers);
        };
        List<Candidate> ranked = new ArrayList<>(candidates.values()); // ascending ids: a stable sort keeps them so
        ranked.sort(better);
        ActiveReason reason = switch (rule) {
            case COUNT, STABLE -> ActiveReason.MOST_MEMBERS;
            case BANDWIDTH -> ActiveReason.MOST_BANDWIDTH;
            case PRIORITY -> ActiveReason.BEST_PARTNER;
        };
        return new Choice(ranked.get(0).id, reason, better.compare(ranked.get(0), ranked.get(1)) == 0);
    }

    private void update(long now) {
        TeamState before = published.get();
        Choice choice = mode == TeamingMode.LACP ? activeAggregator(before.activeAggregator()) : NO_CHOICE;
        int active = choice.id();
        LacpFallback fallback = fallback(now);
        String fallbackMember = fallback == LacpFallback.ACTIVE ? fallbackMember() : null;
        boolean activeWithLink = false;
        for (MemberConfig m : members) {
            activeWithLink |= m.role() == MemberRole.ACTIVE && link(m).up() && !damping.held(m.name());
        }
        List<MemberStatus> statuses = new ArrayList<>(members.size());
        int transmitting = 0;
        for (MemberConfig m : members) {
            MemberStatus s = unstable(m.name().equals(fallbackMember)
                    ? new MemberStatus(m.slot(), m.name(), m.role(), link(m).mac(), true, true, true, FailureReason.NO_FAILURE)
                    : status(m, active, activeWithLink));
            statuses.add(s);
            if (s.transmit()) {
                transmitting |= 1 << m.slot();
            }
        }
        if (transmitting != 0 && Integer.bitCount(transmitting) < policy.minLinks()) {
            statuses.replaceAll(Team::heldDown);
            transmitting = 0;
        }
        if (statuses.equals(before.members()) && mode == before.mode() && policy.equals(before.policy())
                && Arrays.equals(speeds(transmitting), weights)
                && active == before.activeAggregator() && choice.reason() == before.activeReason()
                && choice.tie() == before.activeTie() && fallback == before.lacpFallback()) {
            return;
        }
        List<Member> dataPath = statuses.stream().map(MemberStatus::member).toList();
        int primary = primary(statuses, mode == TeamingMode.SWITCH_INDEPENDENT || fallbackMember != null);
        MemberMap map = before.map();
        int[] speeds = speeds(transmitting);
        if (!dataPath.equals(map.members()) || primary != map.primary() || !Arrays.equals(speeds, weights)) {
            weights = speeds;
            map = new MemberMap(map.version() + 1, dataPath, BucketTable.next(map.buckets(), transmitting, speeds),
                    primary);
        }
        int n = Integer.bitCount(transmitting);
        TeamHealth health = n == 0 ? TeamHealth.DOWN : n == members.size() ? TeamHealth.UP : TeamHealth.DEGRADED;
        published.set(new TeamState(mode, policy, health, active, choice.reason(), choice.tie(), statuses, map, now,
                fallback));
        if (map != before.map()) {
            publisher.accept(map);
        }
    }

    /**
     * Switch-independent: the primary member, which holds the team MAC, is the first configured member that
     * transmits (Active ones while any has link, else Standby ones). With the default team MAC, the first member's
     * own, that member is thus primary whenever it carries traffic, so no other member ever sends with its MAC.
     * Other modes have none, but for the LACP fallback's one member.
     */
    private static int primary(List<MemberStatus> statuses, boolean hasPrimary) {
        if (!hasPrimary) {
            return MemberMap.NONE;
        }
        for (MemberStatus s : statuses) {
            if (s.transmit()) {
                return s.slot();
            }
        }
        return MemberMap.NONE;
    }

    /** By slot, the link speed of each transmitting member (0 when unknown): the buckets are spread by it. */
    private int[] speeds(int transmitting) {
        int[] speeds = new int[MemberMap.MAX_MEMBERS];
        for (MemberConfig m : members) {
            if ((transmitting & (1 << m.slot())) != 0) {
                speeds[m.slot()] = link(m).speedMbps();
            }
        }
        return speeds;
    }

    /**
     * {@code dynamic}'s periodic rebalancing: gives the rebalancer the bytes each bucket has carried and publishes
     * the table it returns, when it moved a bucket. Called on the loop thread, like the other inputs.
     *
     * @param rebalancer the team's rebalancer
     * @param bytes      by bucket, the bytes sent since the data path started
     * @return whether a new map was published
     */
    public boolean rebalance(Rebalancer rebalancer, long[] bytes, long now) {
        TeamState before = published.get();
        MemberMap map = before.map();
        int transmitting = 0;
        for (Member m : map.members()) {
            if (m.transmit()) {
                transmitting |= 1 << m.slot();
            }
        }
        byte[] buckets = map.buckets();
        byte[] next = rebalancer.next(now, buckets, bytes, transmitting, weights);
        if (next == buckets || Arrays.equals(next, buckets)) {
            return false;
        }
        MemberMap moved = new MemberMap(map.version() + 1, map.members(), next, map.primary());
        published.set(new TeamState(before.mode(), before.policy(), before.health(), before.activeAggregator(),
                before.activeReason(), before.activeTie(), before.members(), moved, before.changedAt(),
                before.lacpFallback()));
        publisher.accept(moved);
        return true;
    }

    /** min-links: a member that could transmit neither transmits nor receives, and says why. */
    private static MemberStatus heldDown(MemberStatus s) {
        return !s.transmit() ? s : new MemberStatus(s.slot(), s.name(), s.role(), s.mac(), s.linkUp(), false, false,
                FailureReason.MIN_LINKS);
    }

    /** Flap damping: a member held out with its link up neither transmits nor receives, and says why. */
    private MemberStatus unstable(MemberStatus s) {
        return !s.linkUp() || !damping.held(s.name()) ? s : new MemberStatus(s.slot(), s.name(), s.role(), s.mac(),
                true, false, false, FailureReason.UNSTABLE);
    }

    private Link link(MemberConfig m) {
        return links.getOrDefault(m.name(), UNKNOWN_LINK);
    }

    private MemberStatus status(MemberConfig m, int active, boolean activeWithLink) {
        Link link = link(m);
        boolean transmit;
        boolean receive;
        FailureReason reason;
        switch (mode) {
            case LACP -> {
                LacpFacts f = lacp.get(m.name());
                boolean inActive = f != null && active != 0 && f.aggregator == active;
                transmit = inActive && f.distributing;
                receive = inActive && f.collecting;
                reason = transmit ? FailureReason.NO_FAILURE
                        : f != null && f.distributing ? FailureReason.OTHER_AGGREGATOR
                        : !link.up() ? FailureReason.LINK_DOWN
                        : FailureReason.LACP_NEGOTIATION;
            }
            case STATIC -> {
                transmit = link.up();
                receive = link.up();
                reason = link.up() ? FailureReason.NO_FAILURE : FailureReason.LINK_DOWN;
            }
            case SWITCH_INDEPENDENT -> {
                transmit = link.up() && (m.role() == MemberRole.ACTIVE || !activeWithLink);
                receive = transmit;
                reason = transmit ? FailureReason.NO_FAILURE
                        : !link.up() ? FailureReason.LINK_DOWN
                        : FailureReason.STANDBY;
            }
            default -> throw new IllegalStateException("mode " + mode);
        }
        return new MemberStatus(m.slot(), m.name(), m.role(), link.mac(), link.up(), transmit, receive,
                reason == FailureReason.LINK_DOWN && absent.contains(m.name()) ? FailureReason.NOT_PRESENT : reason);
    }
}
