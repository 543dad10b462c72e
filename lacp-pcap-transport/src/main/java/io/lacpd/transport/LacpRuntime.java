package io.lacpd.transport;

import io.lacpd.core.LacpListener;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Drives one {@link LacpSystem} on real interfaces. One event-loop thread owns the system: it sleeps until
 * the system's next deadline or the next event, whichever comes first. Capture threads and the link
 * monitor only post events to it, so the protocol core needs no locks and a carrier loss reaches the state
 * machines as soon as the kernel reports it.
 */
public final class LacpRuntime implements AutoCloseable {

    /** How long a shutdown waits for farewell LACPDUs held back by the transmit limit. */
    static final long FAREWELL_WAIT = TimeUnit.SECONDS.toNanos(2);

    /** Work for the loop thread, given the time read once for it. */
    @FunctionalInterface
    private interface Task {
        void run(long now);
    }

    /** A port's open channel and the index of the interface it was opened on: a new index needs a new one. */
    private record OpenChannel(FrameChannel channel, int ifindex) {
    }

    private final LacpSystem system;
    private final Map<String, PortConfig> portConfigs = new LinkedHashMap<>();
    private final FrameChannel.Opener opener;
    private final LinkMonitor monitor;
    private final Consumer<String> notices;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final Map<String, OpenChannel> channels = new HashMap<>();
    private final Map<String, LinkState> links = new HashMap<>();
    private final Map<String, MacAddress> portMacs = new HashMap<>();
    /** Ports removed whose farewell may still be held by the transmit limit: when each began to leave. */
    private final Map<String, Long> leaving = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean partnersTold;
    private long shutdownStarted;
    private boolean shuttingDown;

    /**
     * A runtime for these ports; nothing runs before {@link #start}.
     *
     * @param config   the LACP system's settings
     * @param ports    the member ports; their interfaces need not exist yet
     * @param opener   opens a port's interface for capture and send
     * @param monitor  reports the interfaces' state; the runtime starts and closes it
     * @param listener the protocol's events, called on the loop thread
     * @param notices  one-line notices that are not protocol events: link changes, an interface that cannot
     *                 be opened, a port that cannot be added or changed
     */
    public LacpRuntime(SystemConfig config, List<PortConfig> ports, FrameChannel.Opener opener, LinkMonitor monitor,
                       LacpListener listener, Consumer<String> notices) {
        this.system = new LacpSystem(config, this::transmit, listener);
        this.opener = opener;
        this.monitor = monitor;
        this.notices = notices;
        for (PortConfig p : ports) {
            portConfigs.put(p.name(), p);
        }
        this.thread = new Thread(this::loop, "lacp-loop");
    }

    /**
     * Adds the ports, opens their interfaces, and starts the loop and the link monitor. Interfaces that are
     * missing now are taken up when the link monitor reports them.
     */
    public void start() {
        for (PortConfig p : portConfigs.values()) {
            attach(p);
        }
        thread.start();
        monitor.start(portConfigs.keySet(), state -> post(now2 -> onLink(state, now2)));
    }

    /** Runs {@code query} on the loop thread and returns its result, waiting at most {@code timeoutMillis}. */
    public <T> T call(Function<LacpSystem, T> query, long timeoutMillis)
            throws InterruptedException, TimeoutException {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(now -> {
            try {
                result.complete(query.apply(system));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    /**
     * Adds a port while running, or gives a port already there new settings: a new port's interface is
     * opened and watched like those given at the start; a port whose settings did not change keeps its
     * state; no other port is disturbed. A port or settings the system refuses (a port number another port
     * has) change nothing and are told as a notice.
     */
    public void putPort(PortConfig config) {
        post(now -> {
            String name = config.name();
            if (leaving.remove(name) != null) {
                forget(name, now); // back before its farewell went out: it starts afresh
            }
            boolean known = system.hasPort(name);
            PortConfig previous = portConfigs.put(name, config);
            try {
                if (known) {
                    system.reconfigurePort(config, now);
                } else {
                    monitor.watch(portConfigs.keySet());
                    attach(config);
                }
            } catch (IllegalArgumentException e) { // e.g. a port number another port has
                // A refused change leaves the port as it was; a refused port is not watched.
                if (known) {
                    portConfigs.put(name, previous);
                    notices.accept("cannot change " + name + ": " + e.getMessage());
                } else {
                    portConfigs.remove(name);
                    monitor.watch(portConfigs.keySet());
                    notices.accept("cannot add " + name + ": " + e.getMessage());
                }
            }
        });
    }

    /** Adds the port to the system with its interface's MAC, and takes in the interface's state. */
    private void attach(PortConfig config) {
        LinkState state = monitor.read(config.name());
        MacAddress mac = state.exists() ? state.mac() : MacAddress.ZERO;
        system.addPort(config, mac, System.nanoTime()); // its link is down until onLink: it sends nothing
        portMacs.put(config.name(), mac);
        onLink(state, System.nanoTime());
    }

    /**
     * Removes a port while running: it detaches and tells its partner, and once its farewell LACPDU is out
     * (the transmit limit may hold it for up to a second; {@link #FAREWELL_WAIT} at most) its interface is
     * closed and no longer watched.
     */
    public void removePort(String name) {
        post(now -> {
            if (portConfigs.remove(name) == null) {
                return;
            }
            monitor.watch(portConfigs.keySet());
            system.leavePort(name, now); // the farewell leaves through the still open channel
            leaving.put(name, now);
            removeLeftPorts(now);
        });
    }

    /** Takes out the leaving ports whose farewell went out, or that waited for it long enough. */
    private void removeLeftPorts(long now) {
        for (Iterator<Map.Entry<String, Long>> it = leaving.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (system.farewellSent(e.getKey()) || now - e.getValue() >= FAREWELL_WAIT) {
                it.remove();
                forget(e.getKey(), now);
            }
        }
    }

    private void forget(String name, long now) {
        system.removePort(name, now);
        closeChannel(name);
        portMacs.remove(name);
        links.remove(name);
    }

    /** Runs {@code change} on the loop thread with the current time, e.g. a reconfiguration. */
    public void execute(BiConsumer<LacpSystem, Long> change) {
        post(now -> change.accept(system, now));
    }

    /**
     * Leaves the aggregation cleanly: the partners are told first (see {@link LacpSystem#shutdown}), then the
     * interfaces are closed and the loop ends. Returns when done: within {@link #FAREWELL_WAIT} and a second.
     */
    @Override
    public void close() {
        post(now -> {
            if (!shuttingDown) {
                shuttingDown = true;
                shutdownStarted = now;
                system.shutdown(now);
            }
        });
        monitor.close();
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(FAREWELL_WAIT) + 1000);
            if (thread.isAlive()) {
                running = false;
                thread.interrupt();
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** After {@link #close}: true when every port's farewell LACPDU went out before the loop ended. */
    public boolean partnersTold() {
        return partnersTold;
    }

    private void post(Task task) {
        tasks.add(task);
    }

    private void loop() {
        try {
            while (running) {
                long deadline = system.nextDeadline();
                long now = System.nanoTime();
                Task task;
                if (deadline == LacpSystem.NO_DEADLINE) {
                    task = tasks.poll(1, TimeUnit.SECONDS);
                } else if (deadline - now > 0) {
                    task = tasks.poll(deadline - now, TimeUnit.NANOSECONDS);
                } else {
                    task = tasks.poll();
                }
                while (task != null) {
                    // a fresh time for each task: one that sends must not count its send from before the
                    // tasks ahead of it ran (the transmit limit would then let a fourth LACPDU out too soon)
                    task.run(System.nanoTime());
                    task = tasks.poll();
                }
                now = System.nanoTime();
                system.advance(now);
                if (!leaving.isEmpty()) {
                    removeLeftPorts(now);
                }
                if (shuttingDown && system.farewellSent()) {
                    partnersTold = true;
                    running = false;
                } else if (shuttingDown && now - shutdownStarted >= FAREWELL_WAIT) {
                    running = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeChannels();
        }
    }

    /** Follows the kernel: opens the interface when it appears, reports carrier, closes it when it goes. */
    private void onLink(LinkState state, long now) {
        String name = state.name();
        if (!portConfigs.containsKey(name) || shuttingDown) {
            return;
        }
        LinkState before = links.put(name, state);
        if (state.equals(before)) {
            return;
        }
        if (!state.exists()) {
            if (before == null || before.exists()) {
                notices.accept(name + ": interface gone");
            }
            closeChannel(name);
            system.linkDown(name, now);
            return;
        }
        MacAddress knownMac = portMacs.get(name);
        if (!state.mac().equals(knownMac)) {
            // Frames go out with the port's own MAC: a port whose MAC changed is added afresh.
            if (knownMac != null && !MacAddress.ZERO.equals(knownMac)) {
                notices.accept(name + ": MAC address now " + state.mac() + ", the port starts afresh");
            }
            system.removePort(name, now);
            system.addPort(portConfigs.get(name), state.mac(), now);
            portMacs.put(name, state.mac());
        }
        OpenChannel open = channels.get(name);
        if (open == null || open.ifindex() != state.index()) {
            closeChannel(name); // re-created: the old capture handle is dead
            openChannel(name, state.index());
            // Opening takes a while (the first one loads libpcap): the clock is read again, so that the first
            // LACPDU's send time, which the transmit limit counts from, is the time it really went out.
            now = System.nanoTime();
        }
        boolean wasUp = before != null && before.up(); // an absent interface is never up
        if (state.up()) {
            if (!wasUp || before.speedMbps() != state.speedMbps() || before.duplex() != state.duplex()) {
                notices.accept(name + ": link up, " + (state.speedMbps() > 0 ? state.speedMbps() + " Mb/s" : "speed unknown")
                        + ", " + state.duplex().toString().toLowerCase(Locale.ROOT) + " duplex");
            }
            system.linkUp(name, state.speedMbps(), state.duplex(), now);
        } else {
            if (wasUp || before == null) {
                notices.accept(name + ": link down");
            }
            system.linkDown(name, now);
        }
    }

    private void openChannel(String name, int index) {
        try {
            FrameChannel channel = opener.open(name, bytes -> post(now -> {
                if (system.hasPort(name)) { // a frame captured just before its port was removed is dropped
                    system.receive(name, Unpooled.wrappedBuffer(bytes), now);
                }
            }));
            channels.put(name, new OpenChannel(channel, index));
        } catch (IOException e) {
            // e.g. a re-created interface reported before it is up ("That device is not up"): nothing is
            // kept of the attempt, so that the next report of this link (it coming up) opens it again
            notices.accept(e.getMessage());
        }
    }

    private void closeChannel(String name) {
        OpenChannel open = channels.remove(name);
        if (open != null) {
            open.channel().close();
        }
    }

    private void closeChannels() {
        for (String name : List.copyOf(channels.keySet())) {
            closeChannel(name);
        }
    }

    private boolean transmit(String port, io.netty.buffer.ByteBuf frame) {
        OpenChannel open = channels.get(port);
        return open != null && open.channel().send(frame);
    }
}
