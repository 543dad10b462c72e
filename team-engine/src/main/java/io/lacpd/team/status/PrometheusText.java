package io.lacpd.team.status;

import io.lacpd.core.MuxState;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.TeamHealth;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.member.OperStatus;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders teams in the Prometheus text exposition format (version 0.0.4), every series of docs/metrics.md: the
 * team's members as node_exporter's bonding collector counts them, each member's LACP state, Windows failure
 * code, LACPDU and Marker counters, link flaps, and the data path's packets, bytes and drops. Each family is
 * written once, its samples for every team together, as the format asks.
 */
public final class PrometheusText {

    /** The Content-Type of the answer. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** One metric family: its help, its type, its samples in order. */
    private static final class Family {
        final String help;
        final String type;
        final List<String> samples = new ArrayList<>();

        Family(String help, String type) {
            this.help = help;
            this.type = type;
        }
    }

    /** The families in the order first declared. */
    private static final class Out {
        final Map<String, Family> families = new LinkedHashMap<>();

        void gauge(String name, String help, String labels, double value) {
            add(name, help, "gauge", labels, value);
        }

        void counter(String name, String help, String labels, double value) {
            add(name, help, "counter", labels, value);
        }

        private void add(String name, String help, String type, String labels, double value) {
            families.computeIfAbsent(name, n -> new Family(help, type)).samples.add(name + "{" + labels + "} "
                    + number(value));
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            families.forEach((name, f) -> {
                sb.append("# HELP ").append(name).append(' ').append(f.help).append('\n');
                sb.append("# TYPE ").append(name).append(' ').append(f.type).append('\n');
                for (String s : f.samples) {
                    sb.append(s).append('\n');
                }
            });
            return sb.toString();
        }
    }

    /** The exposition of these teams. */
    public static String render(List<TeamStatus> teams) {
        Out out = new Out();
        for (TeamStatus t : teams) {
            team(out, t);
        }
        for (TeamStatus t : teams) {
            for (PortSnapshot p : t.snapshot().ports()) {
                member(out, t, p);
            }
        }
        return out.text();
    }

    private static void team(Out out, TeamStatus t) {
        String team = label("team", t.name());
        Diagnostics d = t.diagnostics();
        out.gauge("lacpd_team_info", "The team's configured settings, as labels; always 1.", team + ","
                + label("mode", t.mode()) + "," + label("load_balancing", t.dataPlane().loadBalancing().configName())
                + "," + label("lacp_rate", d.lacpRate() == null ? "" : d.lacpRate()) + ","
                + label("lacp_activity", d.lacpActivity() == null ? "" : d.lacpActivity()) + ","
                + label("data_plane", t.dataPlane().plane().configName()), 1);
        for (TeamHealth h : TeamHealth.values()) {
            out.gauge("lacpd_team_status", "1 for the team's status (up: every member carries traffic, degraded:"
                    + " some do, down: none does), 0 for the others.", team + "," + label("status", h.toString()),
                    t.team().health() == h ? 1 : 0);
        }
        int active = 0;
        for (MemberStatus m : t.team().members()) {
            active += m.transmit() ? 1 : 0;
        }
        out.gauge("lacpd_team_members", "Members configured in the team (node_bonding_slaves).", team,
                t.team().members().size());
        out.gauge("lacpd_team_active_members", "Members carrying the team's traffic (node_bonding_active).", team,
                active);
        out.gauge("lacpd_team_min_links", "The team's min-links setting.", team, t.team().policy().minLinks());
        out.gauge("lacpd_team_held_down", "1 while min-links holds the team down.", team, t.couldCarry() > 0 ? 1 : 0);
        out.gauge("lacpd_team_active_aggregator", "The id of the aggregator carrying the team's traffic, 0 for none.",
                team, t.team().activeAggregator());
        DataPathCounters c = t.dataPlane().counters();
        if (c != null) {
            out.counter("lacpd_team_tx_packets_total", "Frames the data path sent from the host out of the members.",
                    team, c.txPackets());
            out.counter("lacpd_team_tx_bytes_total", "Octets of those frames.", team, c.txBytes());
            out.counter("lacpd_team_rx_packets_total", "Frames the data path passed from the members to the host.",
                    team, c.rxPackets());
            out.counter("lacpd_team_rx_bytes_total", "Octets of those frames.", team, c.rxBytes());
            String dropped = "Frames the data path dropped, by reason.";
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"not_collecting\"",
                    c.dropNotCollecting());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"no_member\"", c.dropNoMember());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"queue_full\"", c.dropQueueFull());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"send_error\"", c.dropSendError());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"malformed\"", c.malformed());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"not_primary\"", c.dropNotPrimary());
            out.counter("lacpd_team_dropped_total", dropped, team + ",reason=\"own_source\"", c.dropOwnSource());
            out.counter("lacpd_team_mac_conflicts_total", "Frames that arrived with our team MAC or a member's MAC"
                    + " as source: another host or a loop uses our MAC.", team, c.macConflict());
        }
        if (t.dataPlane().teamInterface() != null) {
            out.counter("lacpd_team_interface_queue_dropped_total", "Frames the team interface's queue dropped"
                    + " before the data path read them.", team, t.dataPlane().teamInterface().queueDropped());
        }
    }

    private static void member(Out out, TeamStatus t, PortSnapshot p) {
        String id = label("team", t.name()) + "," + label("member", p.name());
        MemberStatus m = t.member(p.name());
        MemberHistory h = t.diagnostics().member(p.name());
        out.gauge("lacpd_member_info", "The member's MAC and administrative mode, as labels; always 1.", id + ","
                + label("mac", m == null || m.mac().equals(MacAddress.ZERO) ? "" : m.mac().toString()) + ","
                + label("administrative_mode", t.administrativeMode(p) == null ? "" : t.administrativeMode(p)), 1);
        out.gauge("lacpd_member_failure_info", "Why the member carries no traffic, in Windows NIC Teaming's words"
                + " (NoFailure when it does), as the code label; always 1.", id + ","
                + label("code", t.failureCode(p).name()), 1);
        OperStatus oper = t.operStatus(p);
        for (OperStatus s : OperStatus.values()) {
            out.gauge("lacpd_member_oper_status", "1 for the member's status (Active, Standby, Failed), 0 for the"
                    + " others.", id + "," + label("status", s.name()), s == oper ? 1 : 0);
        }
        out.gauge("lacpd_member_link_up", "1 when the member has carrier.", id, p.link().up() ? 1 : 0);
        out.gauge("lacpd_member_link_speed_bytes", "The member's link speed in bytes per second, 0 when unknown or"
                + " down.", id, p.link().up() ? p.link().speedMbps() * 125_000.0 : 0);
        out.gauge("lacpd_member_carrying_traffic", "1 when the data path forwards on the member.", id,
                t.carriesTraffic(m) ? 1 : 0);
        out.gauge("lacpd_member_selected", "1 when LACP's Selection Logic selected an aggregator for the member.", id,
                p.selected() ? 1 : 0);
        out.gauge("lacpd_member_aggregator", "The id of the member's aggregator, 0 for none.", id, p.aggregatorId());
        out.gauge("lacpd_member_collecting", "1 when the member's actor state has Collecting.", id,
                p.actor().state().has(StateBit.COLLECTING) ? 1 : 0);
        out.gauge("lacpd_member_distributing", "1 when the member's actor state has Distributing.", id,
                p.distributing() ? 1 : 0);
        out.gauge("lacpd_member_actor_state", "The member's actor state octet (802.1AX-2014 6.4.2.3).", id,
                p.actor().state().bits());
        int partner = TeamStatus.partnerStateOctet(p);
        if (partner >= 0) {
            out.gauge("lacpd_member_partner_state", "The partner's state octet as last recorded; absent without a"
                    + " partner.", id, partner);
        }
        for (ReceiveState s : ReceiveState.values()) {
            out.gauge("lacpd_member_receive_state", "1 for the Receive machine's state (802.1AX-2014 Figure 6-18).",
                    id + "," + label("state", s.name()), p.receiveState() == s ? 1 : 0);
        }
        for (MuxState s : MuxState.values()) {
            out.gauge("lacpd_member_mux_state", "1 for the Mux machine's state (802.1AX-2014 6.4.15).",
                    id + "," + label("state", s.name()), p.muxState() == s ? 1 : 0);
        }
        if (p.lacpduAge() >= 0) {
            out.gauge("lacpd_member_lacpdu_age_seconds", "Seconds since the last well-formed LACPDU arrived; absent"
                    + " before the first.", id, p.lacpduAge() / 1e9);
        }
        if (p.receiveState() == ReceiveState.CURRENT && p.timers().currentWhile() >= 0) {
            out.gauge("lacpd_member_partner_expires_seconds", "Seconds until the partner's information expires"
                    + " (current_while); absent outside CURRENT.", id, p.timers().currentWhile() / 1e9);
        }
        PortCounters c = p.counters();
        out.counter("lacpd_member_lacpdu_rx_total", "Well-formed LACPDUs received.", id, c.lacpduRx());
        out.counter("lacpd_member_lacpdu_tx_total", "LACPDUs sent.", id, c.lacpduTx());
        out.counter("lacpd_member_lacpdu_illegal_rx_total", "Malformed LACP or Marker frames received.", id,
                c.lacpduIllegalRx());
        out.counter("lacpd_member_lacpdu_unknown_rx_total", "Frames of another slow protocol or EtherType received.",
                id, c.lacpduUnknownRx());
        out.counter("lacpd_member_lacpdu_rx_dropped_total", "Frames dropped before decoding by the bound or the"
                + " rate policing.", id, c.lacpduRxDropped());
        out.counter("lacpd_member_marker_rx_total", "Marker PDUs received.", id, c.markerRx());
        out.counter("lacpd_member_marker_response_tx_total", "Marker Response PDUs sent.", id, c.markerResponseTx());
        out.counter("lacpd_member_marker_response_rx_total", "Marker Response PDUs received.", id,
                c.markerResponseRx());
        out.counter("lacpd_member_marker_response_limited_total", "Markers left unanswered by the rate limit.", id,
                c.markerResponseLimited());
        out.counter("lacpd_member_actor_churn_total", "Times Actor Churn was detected (Actor_Churn_Count).", id,
                p.churn().actorCount());
        out.counter("lacpd_member_partner_churn_total", "Times Partner Churn was detected (Partner_Churn_Count).",
                id, p.churn().partnerCount());
        out.counter("lacpd_member_link_flaps_total", "Times the member's link went down after being up.", id,
                h == null ? 0 : h.linkFlaps());
        out.counter("lacpd_member_partner_changes_total", "Times LACP reported a new partner on the member.", id,
                h == null ? 0 : h.partnerChanges());
        if (h != null) {
            out.gauge("lacpd_member_status_since_timestamp_seconds", "When the member's present status and failure"
                    + " code began, in seconds since the epoch.", id, h.sinceMillis() / 1e3);
        }
        out.gauge("lacpd_member_buckets", "Hash buckets of 256 the member transmits.", id, t.buckets(m));
        DataPathCounters.Member traffic = t.traffic(m);
        if (traffic != null) {
            out.counter("lacpd_member_tx_packets_total", "Frames the data path sent on the member.", id,
                    traffic.txPackets());
            out.counter("lacpd_member_tx_bytes_total", "Octets of those frames.", id, traffic.txBytes());
            out.counter("lacpd_member_rx_packets_total", "Frames from the member the data path passed to the host.",
                    id, traffic.rxPackets());
            out.counter("lacpd_member_rx_bytes_total", "Octets of those frames.", id, traffic.rxBytes());
            String dropped = "Frames of the member the data path dropped, by reason.";
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"not_collecting\"",
                    traffic.dropNotCollecting());
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"queue_full\"", traffic.dropQueueFull());
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"send_error\"", traffic.dropSendError());
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"malformed\"", traffic.malformed());
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"not_primary\"",
                    traffic.dropNotPrimary());
            out.counter("lacpd_member_dropped_total", dropped, id + ",reason=\"own_source\"", traffic.dropOwnSource());
            out.counter("lacpd_member_mac_conflicts_total", "Frames that arrived on the member with our team MAC or a"
                    + " member's MAC as source.", id, traffic.macConflict());
        }
    }

    /** {@code name="value"} with the value escaped as the format asks (backslash, double quote, line feed). */
    static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** Whole numbers without a fraction, others in plain decimals, every digit kept (timestamps need them). */
    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
