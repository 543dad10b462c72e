package io.lacpd.team.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The daemon that answers for a team: its process, version, uptime, config file and socket. Added to the team's
 * status as it leaves the daemon, as {@code "daemon"} in the JSON and a {@code daemon:} line in the text, so a
 * supervisor or an operator sees which process and which file a team runs from.
 *
 * @param pid        the daemon's process id
 * @param version    lacpd's version
 * @param uptimeS    seconds since the daemon started
 * @param configFile the config file, or null when the settings are flags only
 * @param socket     the control socket
 */
public record DaemonInfo(long pid, String version, long uptimeS, Path configFile, Path socket) {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** The text status with a {@code daemon:} line under each team's header line. */
    public String addToText(String text) {
        String line = "  daemon: pid " + pid + ", version " + version + ", up " + uptimeS + " s, config "
                + (configFile == null ? "none (flags)" : configFile) + ", socket " + socket + "\n";
        StringBuilder out = new StringBuilder();
        for (String l : text.split("(?<=\n)")) {
            out.append(l);
            if (l.startsWith("---- ") && l.endsWith(" ----\n")) {
                out.append(line);
            }
        }
        return out.toString();
    }

    /** The JSON status ({@code {"teams":[...]}}) with a {@code "daemon"} object as the last field of each team. */
    public String addToJson(String json) {
        StringWriter out = new StringWriter();
        try (JsonParser p = FACTORY.createParser(json); JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.END_OBJECT && depth == 3) { // root, "teams" array, a team
                    write(g);
                }
                depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                g.copyCurrentEvent(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the status is rendered JSON", e);
        }
        return out + "\n";
    }

    private void write(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("daemon");
        g.writeNumberField("pid", pid);
        g.writeStringField("version", version);
        g.writeNumberField("uptime_s", uptimeS);
        if (configFile == null) {
            g.writeNullField("config_file");
        } else {
            g.writeStringField("config_file", configFile.toString());
        }
        g.writeStringField("socket", socket.toString());
        g.writeEndObject();
    }
}
