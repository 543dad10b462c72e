package io.lacpd.team.status;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;

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

    private static void port(StringBuilder out, TeamStatus t, PortSnapshot p) {
        out.append("\n  port ").append(p.name()).append(": ");
        String reason = t.failureReason(p);
        out.append(reason == null ? "carrying traffic" : reason).append('\n');
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
        out.append("    churn: ").append(p.churn().actor().name()).append(" (").append(p.churn().actorCount()).append("), ")
                .append(p.churn().partner().name()).append(" (").append(p.churn().partnerCount()).append(")\n");
        info(out, "actor", p.actor());
        info(out, "partner", p.partner());
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
