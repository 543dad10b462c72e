package io.lacpd.team.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.LacpV2Info;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.VlanCounters;
import io.lacpd.team.member.MemberHistory;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.member.OperStatus;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/** Renders teams as the JSON status of docs/status.md: field names are a contract, keep them. */
public final class StatusJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private StatusJson() {
    }

    /** {@code {"teams":[...]}} for these teams. */
    public static String render(List<TeamStatus> teams) {
        try {
            return document(g -> {
                for (TeamStatus t : teams) {
                    team(g, t);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string", e);
        }
    }

    /**
     * One {@code {"teams":[...]}} holding the teams of every answer, each a {@link #render} of some daemon.
     *
     * @throws IOException when an answer is not JSON
     */
    public static String merge(List<String> answers) throws IOException {
        return document(g -> {
            for (String answer : answers) {
                try (JsonParser p = FACTORY.createParser(answer)) {
                    while (p.nextToken() != null) {
                        if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("teams")) {
                            p.nextToken();
                            while (p.nextToken() == JsonToken.START_OBJECT) {
                                g.copyCurrentStructure(p);
                            }
                        }
                    }
                }
            }
        });
    }

    /** Writes the elements of a {@code "teams"} array. */
    private interface Teams {
        void write(JsonGenerator g) throws IOException;
    }

    /** The status document around these teams, pretty-printed, with a final newline. */
    private static String document(Teams teams) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("teams");
            teams.write(g);
            g.writeEndArray();
            g.writeEndObject();
        }
        return out + "\n";
    }

    private static void team(JsonGenerator g, TeamStatus t) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("mode", t.mode());
        g.writeStringField("status", t.status());
        g.writeNumberField("min_links", t.team().policy().minLinks());
        g.writeBooleanField("held_down", t.couldCarry() > 0);
        g.writeStringField("aggregator_select", t.team().policy().aggregatorSelect().configName());
        g.writeNumberField("active_aggregator", t.team().activeAggregator());
        g.writeStringField("active_reason", t.team().activeReason().name().toLowerCase(Locale.ROOT));
        g.writeBooleanField("active_tie", t.team().activeTie());
        g.writeObjectFieldStart("system");
        g.writeNumberField("priority", t.snapshot().systemPriority());
        g.writeStringField("mac", t.snapshot().system().toString());
        g.writeNumberField("aggregate_wait_ms", TeamStatus.millis(t.snapshot().aggregateWaitTime()));
        g.writeEndObject();
        dataPlane(g, t.dataPlane());
        vlans(g, t.dataPlane());
        g.writeStringField("lacp_fallback", t.team().lacpFallback().name().toLowerCase(Locale.ROOT));
        if (t.primary() == null) {
            g.writeNullField("primary");
        } else {
            g.writeStringField("primary", t.primary());
        }
        settings(g, t);
        g.writeArrayFieldStart("aggregators");
        for (AggregatorSnapshot a : t.snapshot().aggregators()) {
            g.writeStartObject();
            g.writeNumberField("id", a.id());
            g.writeNumberField("key", a.key());
            g.writeStringField("partner_system", a.partnerSystem().toString());
            g.writeNumberField("partner_system_priority", a.partnerSystemPriority());
            g.writeNumberField("partner_key", a.partnerKey());
            g.writeBooleanField("individual", a.individual());
            strings(g, "ports", a.selectedPorts());
            strings(g, "distributing", a.distributingPorts());
            g.writeBooleanField("active", t.isActive(a));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("ports");
        for (PortSnapshot p : t.snapshot().ports()) {
            port(g, t, p);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void port(JsonGenerator g, TeamStatus t, PortSnapshot p) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", p.name());
        g.writeObjectFieldStart("link");
        g.writeBooleanField("up", p.link().up());
        g.writeNumberField("speed_mbps", p.link().speedMbps());
        g.writeStringField("duplex", p.link().duplex().name().toLowerCase(Locale.ROOT));
        g.writeEndObject();
        g.writeBooleanField("selected", p.selected());
        g.writeNumberField("aggregator", p.aggregatorId());
        g.writeStringField("receive_state", p.receiveState().name());
        g.writeStringField("periodic_state", p.periodicState().name());
        g.writeStringField("mux_state", p.muxState().name());
        info(g, "actor", p.actor(), null);
        info(g, "partner", p.partner(), p.partnerV2());
        g.writeStringField("partner_source", TeamStatus.partnerFromAdmin(p) ? "admin" : "lacpdu");
        g.writeObjectFieldStart("rate");
        g.writeStringField("we_ask", TeamStatus.weAsk(p));
        g.writeStringField("we_send", TeamStatus.weSend(p));
        g.writeStringField("text", TeamStatus.rate(p));
        millis(g, "next_lacpdu_ms", p.timers().periodic());
        millis(g, "current_while_ms", p.timers().currentWhile());
        millis(g, "wait_while_ms", p.timers().waitWhile());
        g.writeEndObject();
        strings(g, "partner_odd", OddPartner.of(p));
        g.writeObjectFieldStart("churn");
        g.writeStringField("actor", p.churn().actor().name());
        g.writeStringField("partner", p.churn().partner().name());
        g.writeNumberField("actor_count", p.churn().actorCount());
        g.writeNumberField("partner_count", p.churn().partnerCount());
        g.writeEndObject();
        PortCounters c = p.counters();
        g.writeObjectFieldStart("counters");
        g.writeNumberField("lacpdu_rx", c.lacpduRx());
        g.writeNumberField("lacpdu_tx", c.lacpduTx());
        g.writeNumberField("lacpdu_illegal_rx", c.lacpduIllegalRx());
        g.writeNumberField("lacpdu_unknown_rx", c.lacpduUnknownRx());
        g.writeNumberField("lacpdu_rx_dropped", c.lacpduRxDropped());
        g.writeNumberField("marker_rx", c.markerRx());
        g.writeNumberField("marker_resp_tx", c.markerResponseTx());
        g.writeNumberField("marker_resp_rx", c.markerResponseRx());
        g.writeNumberField("marker_resp_limited", c.markerResponseLimited());
        g.writeNumberField("lacpdu_v2_rx", c.lacpduV2Rx());
        g.writeNumberField("v2_tlv_illegal_rx", c.v2TlvIllegalRx());
        g.writeEndObject();
        if (p.lastIllegalReason() == null) {
            g.writeNullField("last_illegal_reason");
        } else {
            g.writeStringField("last_illegal_reason", p.lastIllegalReason());
        }
        MemberStatus m = t.member(p.name());
        g.writeBooleanField("carrying_traffic", t.carriesTraffic(m));
        g.writeNumberField("buckets", t.buckets(m));
        g.writeNumberField("share", t.share(m));
        DataPathCounters.Member traffic = t.traffic(m);
        if (traffic == null) {
            g.writeNullField("traffic");
        } else {
            g.writeObjectFieldStart("traffic");
            g.writeNumberField("tx_packets", traffic.txPackets());
            g.writeNumberField("tx_bytes", traffic.txBytes());
            g.writeNumberField("rx_packets", traffic.rxPackets());
            g.writeNumberField("rx_bytes", traffic.rxBytes());
            g.writeObjectFieldStart("dropped");
            g.writeNumberField("not_collecting", traffic.dropNotCollecting());
            g.writeNumberField("queue_full", traffic.dropQueueFull());
            g.writeNumberField("send_error", traffic.dropSendError());
            g.writeNumberField("malformed", traffic.malformed());
            g.writeNumberField("not_primary", traffic.dropNotPrimary());
            g.writeNumberField("own_source", traffic.dropOwnSource());
            g.writeEndObject();
            g.writeNumberField("mac_conflict", traffic.macConflict());
            g.writeEndObject();
        }
        String reason = t.failureReason(p);
        if (reason == null) {
            g.writeNullField("failure_reason");
        } else {
            g.writeStringField("failure_reason", reason);
        }
        diagnostics(g, t, p, m);
        g.writeEndObject();
    }

    /** The configured settings a team runs by: {@code "settings"}; rate and activity null when unknown. */
    private static void settings(JsonGenerator g, TeamStatus t) throws IOException {
        g.writeObjectFieldStart("settings");
        g.writeStringField("mode", t.mode());
        g.writeStringField("lacp_rate", t.diagnostics().lacpRate());
        g.writeStringField("lacp_activity", t.diagnostics().lacpActivity());
        g.writeStringField("load_balancing", t.dataPlane().loadBalancing().configName());
        g.writeEndObject();
    }

    /** A port's Windows terms, raw state octets, LACPDU timing and history (docs/status.md). */
    private static void diagnostics(JsonGenerator g, TeamStatus t, PortSnapshot p, MemberStatus m) throws IOException {
        g.writeStringField("failure_code", t.failureCode(p).name());
        g.writeStringField("administrative_mode", t.administrativeMode(p));
        OperStatus oper = t.operStatus(p);
        g.writeStringField("oper_status", oper == null ? null : oper.name());
        if (m == null || m.mac().equals(MacAddress.ZERO)) {
            g.writeNullField("mac");
        } else {
            g.writeStringField("mac", m.mac().toString());
        }
        g.writeObjectFieldStart("state_octets");
        g.writeNumberField("actor", p.actor().state().bits());
        int partner = TeamStatus.partnerStateOctet(p);
        if (partner < 0) {
            g.writeNullField("partner");
        } else {
            g.writeNumberField("partner", partner);
        }
        g.writeEndObject();
        g.writeObjectFieldStart("lacpdu");
        millis(g, "last_ms_ago", p.lacpduAge());
        millis(g, "expires_ms", p.receiveState() == ReceiveState.CURRENT ? p.timers().currentWhile() : -1);
        g.writeEndObject();
        MemberHistory h = t.diagnostics().member(p.name());
        if (h == null) {
            g.writeNullField("since");
        } else {
            g.writeStringField("since", EventTime.format(h.sinceMillis()));
        }
        g.writeNumberField("link_flaps", h == null ? 0 : h.linkFlaps());
        g.writeNumberField("partner_changes", h == null ? 0 : h.partnerChanges());
    }

    private static void dataPlane(JsonGenerator g, DataPlaneStatus d) throws IOException {
        g.writeStringField("data_plane", d.plane().configName());
        g.writeStringField("load_balancing", d.loadBalancing().configName());
        DataPlaneStatus.TeamInterface i = d.teamInterface();
        if (i == null) {
            g.writeNullField("team_interface");
        } else {
            g.writeObjectFieldStart("team_interface");
            g.writeStringField("name", i.name());
            g.writeStringField("mac", i.mac().toString());
            g.writeBooleanField("carrier", i.carrier());
            g.writeNumberField("mtu", i.mtu());
            g.writeNumberField("queue_dropped", i.queueDropped());
            g.writeEndObject();
        }
        DataPathCounters c = d.counters();
        if (c == null) {
            g.writeNullField("traffic");
            return;
        }
        g.writeObjectFieldStart("traffic");
        g.writeNumberField("tx_packets", c.txPackets());
        g.writeNumberField("tx_bytes", c.txBytes());
        g.writeNumberField("rx_packets", c.rxPackets());
        g.writeNumberField("rx_bytes", c.rxBytes());
        g.writeObjectFieldStart("dropped");
        g.writeNumberField("not_collecting", c.dropNotCollecting());
        g.writeNumberField("no_member", c.dropNoMember());
        g.writeNumberField("queue_full", c.dropQueueFull());
        g.writeNumberField("send_error", c.dropSendError());
        g.writeNumberField("malformed", c.malformed());
        g.writeNumberField("not_primary", c.dropNotPrimary());
        g.writeNumberField("own_source", c.dropOwnSource());
        g.writeEndObject();
        g.writeNumberField("mac_conflict", c.macConflict());
        g.writeEndObject();
    }

    /** {@code "vlans"}: each VLAN team interface, by VLAN ID; empty without one. */
    private static void vlans(JsonGenerator g, DataPlaneStatus d) throws IOException {
        g.writeArrayFieldStart("vlans");
        for (VlanCounters v : d.vlans()) {
            g.writeStartObject();
            g.writeStringField("name", v.name());
            g.writeNumberField("vid", v.vid());
            g.writeBooleanField("carrier", d.teamInterface() != null && d.teamInterface().carrier());
            g.writeNumberField("tx_packets", v.txPackets());
            g.writeNumberField("tx_bytes", v.txBytes());
            g.writeNumberField("rx_packets", v.rxPackets());
            g.writeNumberField("rx_bytes", v.rxBytes());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** One end's information; {@code v2} (the partner's) adds its version 2 TLVs, null for none. */
    private static void info(JsonGenerator g, String field, PortInfo i, LacpV2Info v2) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("system_priority", i.systemPriority());
        g.writeStringField("system", i.system().toString());
        g.writeNumberField("key", i.key());
        g.writeNumberField("port_priority", i.portPriority());
        g.writeNumberField("port", i.port());
        g.writeObjectFieldStart("state");
        g.writeStringField("activity", TeamStatus.activity(i.state()));
        g.writeStringField("timeout", TeamStatus.timeout(i.state()));
        for (StateBit bit : TeamStatus.SHOWN_BITS) {
            g.writeBooleanField(bitName(bit), i.state().has(bit));
        }
        g.writeEndObject();
        if (v2 != null) {
            v2(g, v2);
        }
        g.writeEndObject();
    }

    /** {@code "v2"}: null when the partner's last LACPDU had no TLV after the Collector Information TLV. */
    private static void v2(JsonGenerator g, LacpV2Info v2) throws IOException {
        if (!v2.present()) {
            g.writeNullField("v2");
            return;
        }
        g.writeObjectFieldStart("v2");
        g.writeArrayFieldStart("tlvs");
        for (LacpV2Info.Tlv t : v2.tlvs()) {
            g.writeStartObject();
            g.writeNumberField("type", t.type());
            g.writeNumberField("length", t.length());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (v2.portAlgorithm() == null) {
            g.writeNullField("port_algorithm");
        } else {
            g.writeObjectFieldStart("port_algorithm");
            g.writeStringField("oui", String.format("%06x", v2.portAlgorithm().oui()));
            g.writeNumberField("algorithm", v2.portAlgorithm().algorithm());
            g.writeStringField("name", v2.portAlgorithm().name());
            g.writeEndObject();
        }
        if (v2.conversationIdDigest() == null) {
            g.writeNullField("conversation_id_digest");
        } else {
            g.writeObjectFieldStart("conversation_id_digest");
            g.writeNumberField("link_number_id", v2.conversationIdDigest().linkNumberId());
            g.writeStringField("digest", v2.conversationIdDigest().digest().toString());
            g.writeEndObject();
        }
        LacpV2Info.ConversationMask m = v2.conversationMask();
        if (m == null) {
            g.writeNullField("conversation_mask");
        } else {
            g.writeObjectFieldStart("conversation_mask");
            if (m.state() < 0) {
                g.writeNullField("state");
            } else {
                g.writeNumberField("state", m.state());
            }
            g.writeArrayFieldStart("masks");
            for (int i = 1; i <= 4; i++) {
                if (m.present(i)) {
                    g.writeStartObject();
                    g.writeNumberField("mask", i);
                    g.writeNumberField("conversations", m.conversations(i));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeNumberField("conversations", m.conversations());
            g.writeEndObject();
        }
        if (v2.serviceMappingDigest() == null) {
            g.writeNullField("service_mapping_digest");
        } else {
            g.writeStringField("service_mapping_digest", v2.serviceMappingDigest().toString());
        }
        strings(g, "problems", v2.problems());
        g.writeEndObject();
    }

    /** A timer's time left in whole milliseconds, or null when it does not run. */
    private static void millis(JsonGenerator g, String field, long nanos) throws IOException {
        if (nanos < 0) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, TeamStatus.millis(nanos));
        }
    }

    /** The field name of a state bit in the JSON status; the text status and the config use the same words. */
    public static String bitName(StateBit bit) {
        return switch (bit) {
            case LACP_ACTIVITY -> "activity";
            case LACP_TIMEOUT -> "timeout";
            case AGGREGATION -> "aggregation";
            case SYNCHRONIZATION -> "synchronization";
            case COLLECTING -> "collecting";
            case DISTRIBUTING -> "distributing";
            case DEFAULTED -> "defaulted";
            case EXPIRED -> "expired";
        };
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}
