package io.lacpd.transport;

import io.lacpd.core.FrameTransmitter;
import io.lacpd.core.LacpListener;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.MacAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

/**
 * One {@link LacpSystem} on interfaces: its ports follow their interfaces (a channel opened when one
 * appears, opened again when it is re-created, closed when it goes; a port started afresh when its MAC
 * changes), link changes and received frames reach the machines, and removed ports and a shutdown tell the
 * partners before their channels close.
 *
 * <p>Single-threaded and passive like the system it drives: it owns no thread, no queue and reads no clock
 * (but its {@link FrameLog} stamps frames with the wall clock).
 * Every call takes the current time in nanoseconds; the caller calls {@link #advance} at
 * {@link #nextDeadline()}. Frames captured on another thread wait in a bounded {@link Ingress}, and the caller
 * is told when one does; {@link #advance} takes them at each port's policed rate. {@link LacpRuntime} drives
 * one in real time; a test can drive one in virtual time over in-memory channels.
 */
public final class LacpAgent implements AutoCloseable {

    /** How long a port removed, or a shutdown, waits for farewell LACPDUs held back by the transmit limit. */
    public static final long FAREWELL_WAIT = TimeUnit.SECONDS.toNanos(2);

    /** The first wait before a capture that could not be opened, or stopped, is opened again. */
    static final long RETRY_FIRST = TimeUnit.SECONDS.toNanos(1);
    /** The wait doubles with each failure up to this. */
    static final long RETRY_MAX = TimeUnit.SECONDS.toNanos(30);

    /** A port whose capture failed: when it is tried again, the wait before that try, and the last error. */
    private record Retry(long at, long backoff, String error) {
    }

    /** How often a port's kernel drop count is read while the agent runs: it costs a system call. */
    static final long KERNEL_DROPS_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A port's open channel, the index of the interface it was opened on (a new index needs a new one), and its
     * kernel drop count as last read, with when.
     */
    private static final class OpenChannel {
        final FrameChannel channel;
        final int ifindex;
        long kernelDropped;
        long kernelDropsReadAt;

        OpenChannel(FrameChannel channel, int ifindex, long now) {
            this.channel = channel;
            this.ifindex = ifindex;
            this.kernelDropsReadAt = now;
        }

        /** Frames the kernel dropped since the last call, read at most every {@link #KERNEL_DROPS_INTERVAL}. */
        long newKernelDrops(long now) {
            if (now - kernelDropsReadAt < KERNEL_DROPS_INTERVAL) {
                return 0;
            }
            kernelDropsReadAt = now;
            long total = channel.kernelDropped();
            long fresh = total - kernelDropped;
            kernelDropped = total;
            return fresh;
        }
    }

    private final LacpSystem system;
    private final Map<String, PortConfig> portConfigs = new LinkedHashMap<>();
    private final FrameChannel.Opener opener;
    private final LinkMonitor monitor;
    private final Consumer<String> notices;
    private final Runnable framesWaiting;
    private final LongUnaryOperator afterIo;
    private final Ingress ingress = new Ingress();
    private final FrameLog frameLog = new FrameLog(FrameLog.wallClock());
    /** The captured frames of each port, kept across channel openings until the port goes. */
    private final Map<String, Ingress.Inbox> inboxes = new LinkedHashMap<>();
    private final Map<String, OpenChannel> channels = new HashMap<>();
    private final Map<String, Retry> retries = new HashMap<>();
    private final Map<String, LinkState> links = new HashMap<>();
    private final Map<String, MacAddress> portMacs = new HashMap<>();
    /** Ports removed whose farewell may still be held by the transmit limit: when each began to leave. */
    private final Map<String, Long> leaving = new HashMap<>();
    private long shutdownStarted;
    private boolean shuttingDown;

    /**
     * An agent for these ports; nothing is opened before {@link #start}.
     *
     * @param config       the LACP system's settings
     * @param ports        the member ports; their interfaces need not exist yet
     * @param opener       opens a port's interface for capture and send
     * @param monitor      read for an interface's state when its port is added, and told which names to
     *                     watch; the caller starts it and passes its reports to {@link #link}
     * @param listener     the protocol's events, called during the agent's calls
     * @param notices      one-line notices that are not protocol events: link changes, an interface that
     *                     cannot be opened, a port that cannot be added or changed
     * @param framesWaiting called on a capture thread when a port that held no frame now holds one; the
     *                     caller then runs {@link #advance} on the agent's thread (its deadline is due)
     * @param afterIo      the time once a channel opening or a send begun at the given time has ended:
     *                     opening takes a while (the first one loads libpcap) and a send may wait for the
     *                     thread or the collector, and the transmit limit counts from when a LACPDU really
     *                     went out
     */
    public LacpAgent(SystemConfig config, List<PortConfig> ports, FrameChannel.Opener opener, LinkMonitor monitor,
                     LacpListener listener, Consumer<String> notices, Runnable framesWaiting,
                     LongUnaryOperator afterIo) {
        this.system = new LacpSystem(config, new FrameTransmitter() {
            @Override
            public boolean transmit(String port, ByteBuf frame) {
                return LacpAgent.this.transmit(port, frame);
            }

            @Override
            public long sentAt(long began) {
                return afterIo.applyAsLong(began);
            }
        }, listener);
        this.opener = opener;
        this.monitor = monitor;
        this.notices = notices;
        this.framesWaiting = framesWaiting;
        this.afterIo = afterIo;
        for (PortConfig p : ports) {
            portConfigs.put(p.name(), p);
        }
    }

    /** The protocol system, for queries and changes made on the agent's thread. */
    public LacpSystem system() {
        return system;
    }

    /** The last frames each port received and sent; thread-safe, read from any thread. */
    public FrameLog frameLog() {
        return frameLog;
    }

    /** The names of the ports, whose interfaces the link monitor must watch. */
    public Set<String> portNames() {
        return Set.copyOf(portConfigs.keySet());
    }

    /**
     * Adds the ports and opens their interfaces. Interfaces that are missing now are taken up when
     * {@link #link} reports them.
     */
    public void start(long now) {
        for (PortConfig p : List.copyOf(portConfigs.values())) {
            attach(p, now);
        }
    }

    /** Adds the port to the system with its interface's MAC, and takes in the interface's state. */
    private void attach(PortConfig config, long now) {
        LinkState state = monitor.read(config.name());
        MacAddress mac = state.exists() ? state.mac() : MacAddress.ZERO;
        system.addPort(config, mac, now); // its link is down until link(): it sends nothing
        portMacs.put(config.name(), mac);
        link(state, now);
    }

    /**
     * Adds a port, or gives a port already there new settings: a new port's interface is opened and watched
     * like those given at the start; a port whose settings did not change keeps its state; no other port is
     * disturbed. A port or settings the system refuses (a port number another port has) change nothing and
     * are told as a notice.
     */
    public void putPort(PortConfig config, long now) {
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
                attach(config, now);
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
    }

    /**
     * Removes a port: it detaches and tells its partner, and once its farewell LACPDU is out (the transmit
     * limit may hold it for up to a second; {@link #FAREWELL_WAIT} at most) its interface is closed and no
     * longer watched. An unknown name does nothing.
     */
    public void removePort(String name, long now) {
        if (portConfigs.remove(name) == null) {
            return;
        }
        monitor.watch(portConfigs.keySet());
        system.leavePort(name, now); // the farewell leaves through the still open channel
        leaving.put(name, now);
        removeLeftPorts(now);
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
        retries.remove(name);
        Ingress.Inbox inbox = inboxes.remove(name);
        if (inbox != null) {
            inbox.clear();
        }
        portMacs.remove(name);
        links.remove(name);
        frameLog.remove(name);
    }

    /**
     * Decodes the frames waiting that the ports' policers let through now, and counts those dropped, by the
     * ingress or (read every {@link #KERNEL_DROPS_INTERVAL}) by the kernel before the capture got them. A port
     * over its rate keeps its newest frames for later: {@link #nextDeadline} says when. A port whose flood has
     * ended (nothing dropped for a second) announces itself at once (see {@link LacpSystem#announce}).
     */
    private void receiveWaiting(long now) {
        for (Map.Entry<String, Ingress.Inbox> e : inboxes.entrySet()) {
            String port = e.getKey();
            Ingress.Inbox inbox = e.getValue();
            byte[] frame;
            while ((frame = inbox.take(now)) != null) {
                system.receive(port, Unpooled.wrappedBuffer(frame), now);
            }
            OpenChannel open = channels.get(port);
            long dropped = inbox.takeDropped(now) + (open == null ? 0 : open.newKernelDrops(now));
            if (dropped > 0) {
                system.countDropped(port, dropped);
            }
            if (inbox.floodEnded(now)) {
                system.announce(port, now);
            }
        }
    }

    /**
     * Follows the kernel: opens the interface when it appears, reports carrier, closes it when it goes.
     * Reports of names that are not ports, and any after {@link #shutdown}, are ignored.
     */
    public void link(LinkState state, long now) {
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
            retries.remove(name); // opened again when it appears
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
        if (open == null || open.ifindex != state.index()) {
            closeChannel(name); // re-created: the old capture handle is dead
            openChannel(name, state.index(), now);
            now = afterIo.applyAsLong(now);
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

    /**
     * Takes in the frames waiting that the policing lets through, runs the machines whose deadline has come,
     * and takes out removed ports whose farewell went out.
     */
    public void advance(long now) {
        retryCaptures(now);
        receiveWaiting(now);
        system.advance(now);
        if (!leaving.isEmpty()) {
            removeLeftPorts(now);
        }
    }

    /**
     * When {@link #advance} must next be called, or {@link LacpSystem#NO_DEADLINE}: the system's next deadline,
     * or earlier when a frame waiting may be taken, or the end of a wait for a farewell.
     */
    public long nextDeadline() {
        long next = system.nextDeadline();
        for (Ingress.Inbox inbox : inboxes.values()) {
            for (long d : new long[] {inbox.nextTake(), inbox.floodEndDeadline()}) {
                if (d != LacpSystem.NO_DEADLINE) {
                    next = earlier(next, d);
                }
            }
        }
        for (Retry r : retries.values()) {
            next = earlier(next, r.at());
        }
        for (long began : leaving.values()) {
            next = earlier(next, began + FAREWELL_WAIT);
        }
        if (shuttingDown) {
            next = earlier(next, shutdownStarted + FAREWELL_WAIT);
        }
        return next;
    }

    private static long earlier(long deadline, long other) {
        return deadline == LacpSystem.NO_DEADLINE || other - deadline < 0 ? other : deadline;
    }

    /**
     * Leaves the aggregation cleanly: the partners are told (see {@link LacpSystem#shutdown}); link reports
     * are ignored from now on. Keep advancing until {@link #finished}, then {@link #close}. Again does nothing.
     */
    public void shutdown(long now) {
        if (!shuttingDown) {
            shuttingDown = true;
            shutdownStarted = now;
            system.shutdown(now);
        }
    }

    /** After {@link #shutdown}: true once every farewell went out, or {@link #FAREWELL_WAIT} passed. */
    public boolean finished(long now) {
        return partnersTold() || shuttingDown && now - shutdownStarted >= FAREWELL_WAIT;
    }

    /** After {@link #shutdown}: true when every port's farewell LACPDU went out. */
    public boolean partnersTold() {
        return shuttingDown && system.farewellSent();
    }

    /** Closes every channel. */
    @Override
    public void close() {
        for (String name : List.copyOf(channels.keySet())) {
            closeChannel(name);
        }
    }

    /**
     * Opens the captures whose retry is due, and those that stopped on their own while their interface is still
     * there: a port is never left deaf.
     */
    private void retryCaptures(long now) {
        for (Map.Entry<String, OpenChannel> e : List.copyOf(channels.entrySet())) {
            if (!e.getValue().channel.isCapturing()) {
                String name = e.getKey();
                closeChannel(name);
                Retry last = retries.get(name);
                scheduleRetry(name, name + ": capture stopped", last == null ? 0 : last.backoff(), now);
            }
        }
        for (Map.Entry<String, Retry> e : List.copyOf(retries.entrySet())) {
            String name = e.getKey();
            LinkState state = links.get(name);
            if (state == null || !state.exists() || channels.containsKey(name)) {
                retries.remove(name); // gone (opened when it appears), or opened meanwhile
            } else if (e.getValue().at() - now <= 0) {
                openChannel(name, state.index(), now);
            }
        }
    }

    private void openChannel(String name, int index, long now) {
        Ingress.Inbox inbox = inboxes.computeIfAbsent(name, n -> ingress.inbox(now));
        FrameLog.Ring ring = frameLog.ring(name);
        Retry last = retries.get(name);
        try {
            FrameChannel channel = opener.open(name, bytes -> {
                frameLog.received(ring, bytes); // before the ingress: a flood it drops still shows
                if (inbox.offer(bytes)) {
                    framesWaiting.run();
                }
            });
            channels.put(name, new OpenChannel(channel, index, now));
            if (retries.remove(name) != null) {
                notices.accept(name + ": capturing again");
            }
        } catch (IOException e) {
            // e.g. a re-created interface reported before it is up ("That device is not up"), or no memory for
            // the ring: tried again later, and at the next report of this link
            scheduleRetry(name, e.getMessage(), last == null ? 0 : last.backoff(), now);
        }
    }

    /** The capture of {@code name} failed: told once per different error, tried again after a growing wait. */
    private void scheduleRetry(String name, String error, long lastBackoff, long now) {
        long wait = lastBackoff == 0 ? RETRY_FIRST : Math.min(2 * lastBackoff, RETRY_MAX);
        Retry last = retries.put(name, new Retry(now + wait, wait, error));
        if (last == null || !last.error().equals(error)) {
            notices.accept(error + "; trying again in " + wait / RETRY_FIRST + " s, then at most every "
                    + RETRY_MAX / RETRY_FIRST + " s");
        }
    }

    private void closeChannel(String name) {
        OpenChannel open = channels.remove(name);
        if (open != null) {
            open.channel.close();
        }
    }

    private boolean transmit(String port, ByteBuf frame) {
        OpenChannel open = channels.get(port);
        if (open == null || !open.channel.send(frame)) {
            return false;
        }
        frameLog.sent(port, frame);
        return true;
    }
}
