package io.lacpd.team.events;

import io.lacpd.core.LacpEvent;
import io.lacpd.team.TeamHealth;
import io.lacpd.team.TeamState;
import io.lacpd.team.member.FailureCode;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.member.OperStatus;
import io.lacpd.team.status.EventText;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Follows the team as it changes: counts each member's link flaps and partner changes, remembers since when it
 * is in its present status, and records every change in an {@link EventLog}. Pure and single-threaded: called on
 * the thread that feeds the {@link io.lacpd.team.Team}, with the wall-clock time read there.
 */
public final class TeamHistory {

    /** One member's facts so far. */
    private static final class Facts {
        Boolean up; // null until the first report
        boolean present = true;
        long flaps;
        long partnerChanges;
        OperStatus status;
        FailureCode code;
        long since;
    }

    private final EventLog log;
    private final Map<String, Facts> members = new HashMap<>();
    private TeamHealth health;
    private int activeAggregator;

    /** A history that records into this log. */
    public TeamHistory(EventLog log) {
        this.log = log;
    }

    /** The log this history records into. */
    public EventLog log() {
        return log;
    }

    /**
     * A member's interface as the link monitor reports it: a flap is a link that goes down after being up.
     *
     * @param exists whether the interface exists
     * @param up     whether it has carrier
     */
    public void onLink(String name, boolean exists, boolean up, long atMillis) {
        Facts f = facts(name);
        boolean was = Boolean.TRUE.equals(f.up);
        if (was && !up) {
            f.flaps++;
        }
        if (f.present != exists) {
            log.add(atMillis, name + (exists ? ": interface back" : ": interface gone"));
        }
        if (f.up == null || was != up) {
            log.add(atMillis, name + (up ? ": link up" : ": link down")
                    + (was && !up ? " (flap " + f.flaps + ")" : ""));
        }
        f.up = up;
        f.present = exists;
    }

    /** An event of the team's LACP system, as the log words it; a partner change is counted. */
    public void onLacpEvent(LacpEvent event, long atMillis) {
        if (event instanceof LacpEvent.PartnerChanged e) {
            facts(e.port()).partnerChanges++;
        }
        log.add(atMillis, EventText.describe(event));
    }

    /** Something else worth keeping, e.g. a MAC conflict. */
    public void note(String text, long atMillis) {
        log.add(atMillis, text);
    }

    /**
     * The team's answer after an input: each member whose status or failure code changed starts its
     * {@code since} now and is recorded, as are the team's health and active aggregator when they change.
     */
    public void observe(TeamState state, long atMillis) {
        for (MemberStatus m : state.members()) {
            Facts f = facts(m.name());
            OperStatus status = OperStatus.of(m);
            FailureCode code = FailureCode.of(m.reason(), f.present);
            if (status != f.status || code != f.code) {
                log.add(atMillis, m.name() + ": " + status + (code == FailureCode.NoFailure ? "" : " (" + code + ")")
                        + (f.status == null ? "" : ", was " + f.status
                        + (f.code == FailureCode.NoFailure ? "" : " (" + f.code + ")")));
                f.status = status;
                f.code = code;
                f.since = atMillis;
            }
        }
        if (state.activeAggregator() != activeAggregator) {
            log.add(atMillis, state.activeAggregator() == 0 ? "team: no active aggregator"
                    : "team: active aggregator " + state.activeAggregator() + " ("
                    + state.activeReason().name().toLowerCase(Locale.ROOT) + ")");
            activeAggregator = state.activeAggregator();
        }
        if (state.health() != health) {
            log.add(atMillis, "team: " + state.health());
            health = state.health();
        }
    }

    /** Each member's history so far, by name; members never reported are absent. */
    public Map<String, MemberHistory> members() {
        Map<String, MemberHistory> out = new HashMap<>();
        members.forEach((name, f) -> out.put(name, new MemberHistory(f.present, f.flaps, f.partnerChanges, f.since)));
        return Map.copyOf(out);
    }

    private Facts facts(String name) {
        return members.computeIfAbsent(name, n -> new Facts());
    }
}
