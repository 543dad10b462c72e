package io.lacpd.team.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lacpd.core.LacpEvent;
import io.lacpd.core.LacpTimeout;
import io.lacpd.team.TeamState;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.events.EventLog;
import io.lacpd.team.events.MacConflictWatch;
import io.lacpd.team.events.TeamHistory;
import io.lacpd.team.status.Diagnostics;
import io.lacpd.team.status.PrometheusText;
import io.lacpd.team.status.TeamStatus;
import io.lacpd.transport.LinkState;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What lets an operator see what the team did: its history and event log (fed on the loop thread), the MAC
 * conflict watch, and the Prometheus metrics on the control socket, on an opt-in HTTP listener
 * ({@code --metrics-listen}) and in an opt-in textfile ({@code --metrics-textfile}). See docs/metrics.md.
 */
final class Observability implements AutoCloseable {

    /** The team's status now, or null while the daemon is starting. */
    interface StatusSource {
        TeamStatus get() throws InterruptedException, TimeoutException;
    }

    /** How often the textfile is rewritten. */
    static final long TEXTFILE_SECONDS = 5;
    /** Threads serving HTTP scrapes at most: a scrape takes a millisecond, so two never queue for long. */
    private static final int HTTP_THREADS = 2;

    private final Log log;
    private final EventLog events = new EventLog();
    /** Fed and read on the loop thread only. */
    private final TeamHistory history = new TeamHistory(events);
    /** Read on the ticker thread only. */
    private final MacConflictWatch conflicts = new MacConflictWatch();
    private HttpServer http;
    private ExecutorService httpThreads;
    private ScheduledExecutorService ticker;
    private Path textfile;
    private boolean textfileFailed;

    Observability(Log log) {
        this.log = log;
    }

    /** An event of the LACP system, after the team took it in: loop thread. */
    void lacpEvent(LacpEvent event, TeamState state) {
        long now = System.currentTimeMillis();
        history.onLacpEvent(event, now);
        history.observe(state, now);
    }

    /** A member's link, after the team took it in: loop thread. */
    void link(LinkState link, TeamState state) {
        long now = System.currentTimeMillis();
        history.onLink(link.name(), link.exists(), link.up(), now);
        history.observe(state, now);
    }

    /** The team's answer after any other input (start, reload): loop thread, or before the loop starts. */
    void observe(TeamState state) {
        history.observe(state, System.currentTimeMillis());
    }

    /** The settings and histories for a status: loop thread. */
    Diagnostics diagnostics(DaemonConfig config) {
        return new Diagnostics(System.currentTimeMillis(), config.timeout() == LacpTimeout.SHORT ? "fast" : "slow",
                config.activity().name().toLowerCase(Locale.ROOT), history.members());
    }

    /** The answer to the control request {@code events} or {@code metrics}. */
    String answer(String request, StatusSource source) {
        if (request.equals("events")) {
            return events.render();
        }
        try {
            TeamStatus status = source.get();
            return status == null ? "error: the daemon is starting\n" : PrometheusText.render(List.of(status));
        } catch (InterruptedException | TimeoutException e) {
            return "error: the daemon did not answer in time\n";
        }
    }

    /**
     * Opens the HTTP listener and starts the ticker that each second watches for MAC conflicts, runs
     * {@code everySecond} and rewrites the textfile, as the options ask.
     *
     * @param everySecond work on time alone, e.g. letting back a member stable long enough
     * @throws ConfigException when the listener's address cannot be bound
     */
    void start(ObservabilityOptions options, StatusSource source, Supplier<DataPathCounters> counters,
               Runnable everySecond) throws ConfigException {
        if (options.listens()) {
            String where = options.listenHost() + ":" + options.listenPort();
            try {
                http = HttpServer.create(new InetSocketAddress(options.listenHost(), options.listenPort()), 16);
            } catch (IOException e) {
                throw new ConfigException("metrics-listen " + where + ": cannot listen: " + e.getMessage());
            }
            httpThreads = Executors.newFixedThreadPool(HTTP_THREADS, daemonThreads("metrics-http"));
            http.setExecutor(httpThreads);
            http.createContext("/", exchange -> serve(exchange, source));
            http.start();
            log.line("metrics on http://" + where + "/metrics");
        }
        textfile = options.textfile();
        ticker = Executors.newSingleThreadScheduledExecutor(daemonThreads("metrics-tick"));
        long[] ticks = {0};
        ticker.scheduleWithFixedDelay(() -> {
            watchConflicts(counters.get());
            everySecond.run();
            if (textfile != null && ticks[0]++ % TEXTFILE_SECONDS == 0) {
                writeTextfile(source);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    private void watchConflicts(DataPathCounters counters) {
        if (counters == null) {
            return;
        }
        long now = System.currentTimeMillis();
        String line = conflicts.observe(counters, now);
        if (line != null) {
            log.warn(line);
            events.add(now, line);
        }
    }

    /** Writes a temporary file beside the textfile and renames it over, so the collector never reads half of it. */
    private void writeTextfile(StatusSource source) {
        Path tmp = textfile.resolveSibling("." + textfile.getFileName() + ".tmp"); // not *.prom: the collector skips it
        try {
            TeamStatus status = source.get();
            if (status == null) {
                return;
            }
            Files.writeString(tmp, PrometheusText.render(List.of(status)));
            Files.move(tmp, textfile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (textfileFailed) {
                log.line("metrics textfile " + textfile + ": written again");
                textfileFailed = false;
            }
        } catch (IOException | TimeoutException e) {
            if (!textfileFailed) { // once per failure, not every few seconds
                log.warn("metrics textfile " + textfile + ": cannot write: " + e.getMessage());
                textfileFailed = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** GET /metrics only. */
    private static void serve(HttpExchange exchange, StatusSource source) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, "not found: lacpd serves /metrics only\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                reply(exchange, 405, "method not allowed (expected: GET)\n");
                return;
            }
            TeamStatus status;
            try {
                status = source.get();
            } catch (InterruptedException | TimeoutException e) {
                reply(exchange, 503, "the daemon did not answer in time\n");
                return;
            }
            if (status == null) {
                reply(exchange, 503, "the daemon is starting\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
            reply(exchange, 200, PrometheusText.render(List.of(status)));
        }
    }

    private static void reply(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the listener and the ticker, and removes the textfile: a stopped daemon reports nothing stale. */
    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
            httpThreads.shutdownNow();
        }
        if (ticker != null) {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (textfile != null) {
            try {
                Files.deleteIfExists(textfile);
            } catch (IOException e) {
                log.warn("metrics textfile " + textfile + ": cannot remove: " + e.getMessage());
            }
        }
    }
}
