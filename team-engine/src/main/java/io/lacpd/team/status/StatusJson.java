package io.lacpd.team.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;

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
        g.writeObjectFieldStart("system");
        g.writeNumberField("priority", t.snapshot().systemPriority());
        g.writeStringField("mac", t.snapshot().system().toString());
        g.writeEndObject();
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
        info(g, "actor", p.actor());
        info(g, "partner", p.partner());
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
        g.writeEndObject();
        String reason = t.failureReason(p);
        if (reason == null) {
            g.writeNullField("failure_reason");
        } else {
            g.writeStringField("failure_reason", reason);
        }
        g.writeEndObject();
    }

    private static void info(JsonGenerator g, String field, PortInfo i) throws IOException {
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
        g.writeEndObject();
    }

    /** The field name of a state bit in the JSON status; the text status shows the same words. */
    static String bitName(StateBit bit) {
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
