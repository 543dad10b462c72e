package io.lacpd.team.daemon;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * How much lacpd says and where: the log's level, and its Prometheus metrics beyond the control socket's
 * {@code metrics} request, an HTTP listener and a file for node_exporter's textfile collector, each only when asked
 * for. Read at the start only. See docs/metrics.md.
 *
 * @param listenHost the HTTP listener's address, or null for no listener
 * @param listenPort its port, or -1 for no listener
 * @param textfile   the file rewritten every few seconds, or null for none
 * @param logLevel   the least severe lines the log writes
 */
public record ObservabilityOptions(String listenHost, int listenPort, Path textfile, Log.Level logLevel) {

    /** The keys (and flags without their dashes) these options are read from. */
    static final Set<String> KEYS = Set.of("metrics-listen", "metrics-textfile", "log-level");

    /** The address a listener binds when only {@code :PORT} is given: this host alone. */
    static final String DEFAULT_HOST = "127.0.0.1";

    /** No listener, no file, the info level. */
    public static final ObservabilityOptions NONE = new ObservabilityOptions(null, -1, null, Log.Level.INFO);

    /** Whether an HTTP listener is asked for. */
    public boolean listens() {
        return listenPort >= 0;
    }

    /** Reads the options from the merged settings; {@code label} names a key as the user gave it. */
    static ObservabilityOptions parse(Map<String, String> s, Function<String, String> label) throws ConfigException {
        String host = null;
        int port = -1;
        String listen = s.get("metrics-listen");
        if (listen != null) {
            String v = listen.strip();
            int colon = v.lastIndexOf(':');
            if (colon < 0 || !v.substring(colon + 1).matches("\\d{1,5}")
                    || Integer.parseInt(v.substring(colon + 1)) > 0xFFFF) {
                throw new ConfigException(label.apply("metrics-listen") + " '" + v + "' (expected: ADDR:PORT or :PORT,"
                        + " port 0..65535)");
            }
            port = Integer.parseInt(v.substring(colon + 1));
            host = v.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1); // [::1]:9100
            }
            if (host.isEmpty()) {
                host = DEFAULT_HOST;
            }
        }
        Path textfile = null;
        String file = s.get("metrics-textfile");
        if (file != null) {
            if (file.isBlank()) {
                throw new ConfigException(label.apply("metrics-textfile") + " needs a path");
            }
            textfile = Path.of(file.strip());
            if (textfile.getFileName() == null || !textfile.getFileName().toString().endsWith(".prom")) {
                throw new ConfigException(label.apply("metrics-textfile") + " '" + file.strip()
                        + "' (expected: a file name ending in .prom, which node_exporter's textfile collector reads)");
            }
        }
        String level = s.getOrDefault("log-level", "info").strip().toLowerCase(Locale.ROOT);
        Log.Level logLevel = switch (level) {
            case "error" -> Log.Level.ERROR;
            case "warn" -> Log.Level.WARN;
            case "info" -> Log.Level.INFO;
            case "debug" -> Log.Level.DEBUG;
            default -> throw new ConfigException(label.apply("log-level") + " '" + level
                    + "' (expected: error|warn|info|debug)");
        };
        return new ObservabilityOptions(host, port, textfile, logLevel);
    }
}
