package io.lacpd.team.control;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lacpctl status --brief}: one line per member, as Windows' {@code Get-NetLbfoTeamMember | ft} shows them,
 * rendered from the JSON status (docs/status.md), so the daemon serves one format for programs and this is one view
 * of it.
 */
final class BriefStatus {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final List<String> HEADER = List.of("Name", "Team", "AdministrativeMode", "OperationalStatus",
            "LinkSpeed", "FailureReason");

    private BriefStatus() {
    }

    /** The members of every team in {@code json}, {@code {"teams":[...]}}, under a header line. */
    static String render(String json) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Object t : list(object(read(json)).get("teams"))) {
            Map<String, Object> team = object(t);
            for (Object p : list(team.get("ports"))) {
                rows.add(row(String.valueOf(team.get("name")), object(p)));
            }
        }
        return table(rows);
    }

    private static List<String> row(String team, Map<String, Object> port) {
        Map<String, Object> link = object(port.get("link"));
        boolean up = Boolean.TRUE.equals(link.get("up"));
        Object reason = port.get("failure_reason");
        boolean standby = "standby".equalsIgnoreCase(String.valueOf(port.get("role")));
        String operational = Boolean.TRUE.equals(port.get("carrying_traffic")) ? "Active" : standby ? "Standby" : "Failed";
        return List.of(String.valueOf(port.get("name")), team, standby ? "Standby" : "Active", operational,
                up ? speed(((Number) link.getOrDefault("speed_mbps", 0)).longValue()) : "-",
                reason == null ? "NoFailure" : reason.toString());
    }

    /** Link speed in Windows' words: "10 Gbps", "100 Mbps"; "-" when the kernel reports none. */
    static String speed(long mbps) {
        if (mbps <= 0) {
            return "-";
        }
        if (mbps >= 1000 && mbps % 1000 == 0) {
            return mbps / 1000 + " Gbps";
        }
        if (mbps >= 1000) {
            return String.format(Locale.ROOT, "%.1f Gbps", mbps / 1000.0);
        }
        return mbps + " Mbps";
    }

    /** Columns as wide as their widest cell, two spaces apart, the last unpadded. */
    private static String table(List<List<String>> rows) {
        int[] width = new int[HEADER.size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                out.append(i == r.size() - 1 ? r.get(i) : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r.get(i)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    /** The JSON document as maps, lists, strings, numbers, booleans and nulls. */
    private static Object read(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            p.nextToken();
            return value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IOException("the status ended early");
        }
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return p.getBooleanValue();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IOException("unexpected " + t + " in the status");
        }
    }
}
