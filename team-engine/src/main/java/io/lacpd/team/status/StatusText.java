package io.lacpd.team.status;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.VlanCounters;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.member.OperStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders teams for people, in the manner of /proc/net/bonding and {@code ovs-appctl lacp/show}. */
public final class StatusText {

    private StatusText() {
    }

    /** The teams' status as a table, one block per team, then its aggregators and ports. */
    public static String render(List<TeamStatus> teams) {
        StringBuilder out = new StringBuilder();
        for (TeamStatus t : teams) {
            team(out, t);
        }
        return out.toString();
    }

    private static void team(StringBuilder out, TeamStatus t) {
        out.append("---- ").append(t.name()).append(" ----\n");
        out.append("  mode: ").append(t.mode()).append('\n');
        out.append("  status: ").append(t.status()).append('\n');
        out.append("  system: ").append(t.snapshot().systemPriority()).append(',').append(t.snapshot().system()).append('\n');
        dataPlane(out, t.dataPlane(), t.switchIndependent());
        vlans(out, t.dataPlane());
        if (t.lacpFallback() != null) {
            out.append("  lacp fallback: ").append(t.lacpFallback()).append('\n');
        }
        if (t.switchIndependent()) {
            out.append("  primary: ").append(t.primary() == null ? "none" : t.primary()).append('\n');
        }
        out.append("  aggregate wait: ").append(TeamStatus.millis(t.snapshot().aggregateWaitTime())).append(" ms\n");
        out.append("  ").append(t.minLinks()).append('\n');
        if (t.activeChoice() != null) {
            out.append("  ").append(t.activeChoice()).append('\n');
        }
        settings(out, t);
        for (AggregatorSnapshot a : t.snapshot().aggregators()) {
            out.append("\n  aggregator ").append(a.id());
            if (t.isActive(a)) {
                out.append(" (active)");
            }
            if (a.individual()) {
                out.append(" (individual)");
            }
            out.append('\n');
            out.append("    key: ").append(a.key()).append('\n');
            out.append("    partner: ").append(a.partnerSystemPriority()).append(',').append(a.partnerSystem())
                    .append(" key ").append(a.partnerKey()).append('\n');
            out.append("    ports: ").append(String.join(" ", a.selectedPorts())).append('\n');
            out.append("    distributing: ").append(String.join(" ", a.distributingPorts())).append('\n');
        }
        for (PortSnapshot p : t.snapshot().ports()) {
            port(out, t, p);
        }
    }

    private static void dataPlane(StringBuilder out, DataPlaneStatus d, boolean switchIndependent) {
        if (d.teamInterface() == null) {
            out.append("  data plane: none (host traffic is not teamed)\n");
            return;
        }
        DataPlaneStatus.TeamInterface i = d.teamInterface();
        out.append("  data plane: ").append(d.plane().configName()).append(", load balancing ")
                .append(d.loadBalancing().configName()).append('\n');
        out.append("  team interface: ").append(i.name()).append(' ').append(i.mac()).append(", carrier ")
                .append(i.carrier() ? "up" : "down").append(", mtu ").append(i.mtu()).append(", queue dropped ")
                .append(i.queueDropped()).append('\n');
        DataPathCounters c = d.counters();
        if (c != null) {
            out.append("  traffic: tx ").append(c.txPackets()).append(" packets ").append(c.txBytes())
                    .append(" bytes, rx ").append(c.rxPackets()).append(" packets ").append(c.rxBytes())
                    .append(" bytes; dropped: not collecting ").append(c.dropNotCollecting()).append(", no member ")
                    .append(c.dropNoMember()).append(", queue full ").append(c.dropQueueFull()).append(", send error ")
                    .append(c.dropSendError()).append(", malformed ").append(c.malformed());
            if (switchIndependent) {
                out.append(", not primary ").append(c.dropNotPrimary()).append(", own source ").append(c.dropOwnSource());
            }
            out.append('\n');
        }
    }

    /** A line per VLAN team interface; none without one. */
    private static void vlans(StringBuilder out, DataPlaneStatus d) {
        boolean carrier = d.teamInterface() != null && d.teamInterface().carrier();
        for (VlanCounters v : d.vlans()) {
            out.append("  vlan interface: ").append(v.name()).append(" vlan ").append(v.vid()).append(", carrier ")
                    .append(carrier ? "up" : "down").append(", tx ").append(v.txPackets()).append(" packets ")
                    .append(v.txBytes()).append(" bytes, rx ").append(v.rxPackets()).append(" packets ")
                    .append(v.rxBytes()).append(" bytes\n");
        }
    }

    private static void port(StringBuilder out, TeamStatus t, PortSnapshot p) {
        out.append("\n  port ").append(p.name()).append(": ");
        String reason = t.failureReason(p);
        MemberStatus m = t.member(p.name());
        if (reason != null) {
            out.append(reason);
        } else if (t.carriesTraffic(m)) {
            out.append("carrying traffic");
        } else {
            out.append(t.dataPlane().teamInterface() == null ? "distributing (no data plane: host traffic is not teamed)"
                    : "distributing, but not open in the data path");
        }
        if (TeamStatus.partnerFromAdmin(p)) {
            out.append(" (partner: the admin values, no LACPDU heard)");
        }
        out.append('\n');
        out.append("    link: ").append(p.link().up() ? "up" : "down");
        if (p.link().up() && p.link().speedMbps() > 0) {
            out.append(' ').append(p.link().speedMbps()).append(" Mb/s");
        }
        if (p.link().up()) {
            out.append(' ').append(p.link().duplex().name().toLowerCase(Locale.ROOT)).append(" duplex");
        }
        out.append('\n');
        out.append("    selected: ").append(p.selected() ? "yes, aggregator " + p.aggregatorId() : "no").append('\n');
        out.append("    machines: receive ").append(p.receiveState().name()).append(", periodic ")
                .append(p.periodicState().name()).append(", mux ").append(p.muxState().name()).append('\n');
        out.append("    rate: ").append(TeamStatus.rate(p)).append('\n');
        out.append("    churn: ").append(p.churn().actor().name()).append(" (").append(p.churn().actorCount()).append("), ")
                .append(p.churn().partner().name()).append(" (").append(p.churn().partnerCount()).append(")\n");
        info(out, "actor", p.actor());
        info(out, "partner", p.partner());
        String v2 = TeamStatus.partnerV2(p.partnerV2());
        if (v2 != null) {
            out.append("    partner v2: ").append(v2).append('\n');
        }
        List<String> odd = OddPartner.of(p);
        if (!odd.isEmpty()) {
            out.append("    odd partner: ").append(String.join(", ", odd)).append(" (accepted, as 802.1AX allows)\n");
        }
        PortCounters c = p.counters();
        out.append("    counters: lacpdu rx ").append(c.lacpduRx()).append(" tx ").append(c.lacpduTx())
                .append(", illegal rx ").append(c.lacpduIllegalRx()).append(", unknown rx ").append(c.lacpduUnknownRx())
                .append(", dropped rx ").append(c.lacpduRxDropped())
                .append(", marker rx ").append(c.markerRx()).append(" response tx ").append(c.markerResponseTx())
                .append('\n');
        if (c.lacpduV2Rx() > 0 || c.v2TlvIllegalRx() > 0) {
            out.append("    version 2: lacpdu rx ").append(c.lacpduV2Rx()).append(", malformed TLVs in ")
                    .append(c.v2TlvIllegalRx()).append('\n');
        }
        if (p.lastIllegalReason() != null) {
            out.append("    last illegal: ").append(p.lastIllegalReason()).append('\n');
        }
        DataPathCounters.Member traffic = t.traffic(m);
        if (traffic != null) {
            out.append("    traffic: tx ").append(traffic.txPackets()).append(" packets ").append(traffic.txBytes())
                    .append(" bytes, rx ").append(traffic.rxPackets()).append(" packets ").append(traffic.rxBytes())
                    .append(" bytes, buckets ").append(t.buckets(m)).append("; dropped: not collecting ")
                    .append(traffic.dropNotCollecting()).append(", queue full ").append(traffic.dropQueueFull())
                    .append(", send error ").append(traffic.dropSendError()).append(", malformed ")
                    .append(traffic.malformed());
            if (t.switchIndependent()) {
                out.append(", not primary ").append(traffic.dropNotPrimary()).append(", own source ")
                        .append(traffic.dropOwnSource());
            }
            out.append('\n');
        }
        diagnostics(out, t, p, m);
    }

    /** The configured settings the team runs by; rate and activity only when known. */
    private static void settings(StringBuilder out, TeamStatus t) {
        Diagnostics d = t.diagnostics();
        out.append("  settings: mode ").append(t.mode());
        if (d.lacpRate() != null) {
            out.append(", lacp rate ").append(d.lacpRate()).append(", lacp activity ").append(d.lacpActivity());
        }
        out.append(", load balancing ").append(t.dataPlane().loadBalancing().configName()).append('\n');
        DataPathCounters c = t.dataPlane().counters();
        if (c != null && c.macConflict() > 0) {
            out.append("  mac conflict: ").append(c.macConflict())
                    .append(" frames arrived with our MAC as source (another host or a loop uses our MAC)\n");
        }
    }

    /** A port's Windows terms, raw state octets, LACPDU timing and history. */
    private static void diagnostics(StringBuilder out, TeamStatus t, PortSnapshot p, MemberStatus m) {
        OperStatus oper = t.operStatus(p);
        MemberHistory h = t.diagnostics().member(p.name());
        out.append("    teaming: ").append(oper == null ? "not a member" : oper.name()).append(" (")
                .append(t.failureCode(p)).append(')');
        if (m != null) {
            out.append(", administrative mode ").append(t.administrativeMode(p));
        }
        if (h != null) {
            out.append(", since ").append(EventTime.format(h.sinceMillis()));
            if (t.diagnostics().atMillis() >= h.sinceMillis()) {
                out.append(" (").append(seconds(t.diagnostics().atMillis() - h.sinceMillis())).append(" ago)");
            }
        }
        out.append('\n');
        int partner = TeamStatus.partnerStateOctet(p);
        out.append(String.format(Locale.ROOT, "    member: mac %s, state octets actor 0x%02x partner %s, link flaps %d,"
                        + " partner changes %d%n", m == null || m.mac().equals(MacAddress.ZERO) ? "unknown" : m.mac(),
                p.actor().state().bits(), partner < 0 ? "none" : String.format("0x%02x", partner),
                h == null ? 0 : h.linkFlaps(), h == null ? 0 : h.partnerChanges()));
        out.append("    last lacpdu: ");
        if (p.lacpduAge() < 0) {
            out.append("none received");
        } else {
            out.append(String.format(Locale.ROOT, "%.3f s ago", p.lacpduAge() / 1e9));
            if (p.receiveState() == ReceiveState.CURRENT && p.timers().currentWhile() >= 0) {
                out.append(String.format(Locale.ROOT, ", expires in %.3f s", p.timers().currentWhile() / 1e9));
            }
        }
        out.append('\n');
        DataPathCounters.Member traffic = t.traffic(m);
        if (traffic != null && traffic.macConflict() > 0) {
            out.append("    mac conflict: ").append(traffic.macConflict())
                    .append(" frames arrived with our MAC as source\n");
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1e3);
    }

    private static void info(StringBuilder out, String who, PortInfo i) {
        List<String> flags = new ArrayList<>();
        flags.add(TeamStatus.activity(i.state()));
        flags.add(TeamStatus.timeout(i.state()) + " timeout");
        for (StateBit bit : TeamStatus.SHOWN_BITS) {
            if (i.state().has(bit)) {
                flags.add(StatusJson.bitName(bit));
            }
        }
        out.append(String.format("    %-8s system %d,%s key %d port %d,%d state %s [%s]%n", who + ":", i.systemPriority(),
                i.system(), i.key(), i.portPriority(), i.port(), i.state(), String.join(", ", flags)));
    }
}
