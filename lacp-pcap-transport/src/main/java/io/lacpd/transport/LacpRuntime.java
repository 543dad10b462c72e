package io.lacpd.transport;

import io.lacpd.core.LacpListener;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.SystemConfig;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs one {@link LacpAgent} on real interfaces. One event-loop thread owns the agent: it sleeps until the
 * agent's next deadline or the next event, whichever comes first. Capture threads and the link monitor only
 * post events to it, so the protocol core needs no locks and a carrier loss reaches the state machines as
 * soon as the kernel reports it. Captured frames wait in the agent's bounded, policed ingress; the capture
 * threads post at most one wake-up at a time, so a flood cannot grow the queue.
 */
public final class LacpRuntime implements AutoCloseable {

    /** How long a shutdown waits for farewell LACPDUs held back by the transmit limit. */
    static final long FAREWELL_WAIT = LacpAgent.FAREWELL_WAIT;

    /** Work for the loop thread, given the time read once for it. */
    @FunctionalInterface
    private interface Task {
        void run(long now);
    }

    private final LacpAgent agent;
    private final LinkMonitor monitor;
    private final Consumer<String> notices;
    private final LongSupplier clock;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** A wake-up for frames waiting is in the queue: the capture threads post no other. */
    private final AtomicBoolean wakePosted = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean partnersTold;

    /**
     * A runtime for these ports on the system's monotonic clock ({@link System#nanoTime}); nothing runs before
     * {@link #start}.
     *
     * @see #LacpRuntime(SystemConfig, List, FrameChannel.Opener, LinkMonitor, LacpListener, Consumer, LongSupplier)
     */
    public LacpRuntime(SystemConfig config, List<PortConfig> ports, FrameChannel.Opener opener, LinkMonitor monitor,
                       LacpListener listener, Consumer<String> notices) {
        this(config, ports, opener, monitor, listener, notices, System::nanoTime);
    }

    /**
     * A runtime for these ports; nothing runs before {@link #start}.
     *
     * @param config   the LACP system's settings
     * @param ports    the member ports; their interfaces need not exist yet
     * @param opener   opens a port's interface for capture and send
     * @param monitor  reports the interfaces' state; the runtime starts and closes it
     * @param listener the protocol's events, called on the loop thread
     * @param notices  one-line notices that are not protocol events: link changes, an interface that cannot
     *                 be opened, a port that cannot be added or changed, a task that failed, the link
     *                 monitor's troubles
     * @param clock    monotonic nanoseconds, read afresh for each task and after each channel opening
     */
    public LacpRuntime(SystemConfig config, List<PortConfig> ports, FrameChannel.Opener opener, LinkMonitor monitor,
                       LacpListener listener, Consumer<String> notices, LongSupplier clock) {
        this.agent = new LacpAgent(config, ports, opener, monitor, listener, notices,
                this::framesWaiting,
                // the clock is read again: the transmit limit counts from when a LACPDU really went out
                begun -> clock.getAsLong());
        this.monitor = monitor;
        this.notices = notices;
        this.clock = clock;
        this.thread = new Thread(this::loop, "lacp-loop");
        thread.setPriority(Thread.MAX_PRIORITY); // the protocol's timers before frame floods and data
    }

    /** From a capture thread: frames wait; the loop's advance after the wake-up takes them. */
    private void framesWaiting() {
        if (wakePosted.compareAndSet(false, true)) {
            post(now -> wakePosted.set(false));
        }
    }

    /**
     * Adds the ports, opens their interfaces, and starts the loop and the link monitor. Interfaces that are
     * missing now are taken up when the link monitor reports them.
     */
    public void start() {
        agent.start(clock.getAsLong());
        Set<String> names = agent.portNames();
        thread.start();
        monitor.start(names, state -> post(now -> agent.link(state, now)), notices);
    }

    /** Runs {@code query} on the loop thread and returns its result, waiting at most {@code timeoutMillis}. */
    public <T> T call(Function<LacpSystem, T> query, long timeoutMillis)
            throws InterruptedException, TimeoutException {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(now -> {
            try {
                result.complete(query.apply(agent.system()));
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

    /** The last frames each port received and sent (see {@link FrameLog}); read on any thread. */
    public FrameLog frameLog() {
        return agent.frameLog();
    }

    /**
     * Adds a port while running, or gives a port already there new settings, without disturbing the others;
     * a refused one is told as a notice. See {@link LacpAgent#putPort}; runs on the loop thread.
     */
    public void putPort(PortConfig config) {
        post(now -> agent.putPort(config, now));
    }

    /**
     * Removes a port while running: it tells its partner, then its interface is closed and no longer
     * watched. See {@link LacpAgent#removePort}; runs on the loop thread.
     */
    public void removePort(String name) {
        post(now -> agent.removePort(name, now));
    }

    /** Runs {@code change} on the loop thread with the current time, e.g. a reconfiguration. */
    public void execute(BiConsumer<LacpSystem, Long> change) {
        post(now -> change.accept(agent.system(), now));
    }

    /**
     * Leaves the aggregation cleanly: the partners are told first (see {@link LacpSystem#shutdown}), then the
     * interfaces are closed and the loop ends. Returns when done, or after {@link #FAREWELL_WAIT} and two
     * seconds at most: a loop stuck in a task does not hold the daemon's exit.
     */
    @Override
    public void close() {
        post(agent::shutdown);
        monitor.close();
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(FAREWELL_WAIT) + 1000);
            if (thread.isAlive()) {
                running = false;
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Tells the partners in haste, for a process about to exit after an internal error: the loop shuts the
     * agent down and ends, waited for at most {@code timeoutMillis}; nothing else is closed. Nothing can be
     * sent from the loop thread itself or once it has died: false at once.
     *
     * @return true when every port's farewell LACPDU went out
     */
    public boolean farewell(long timeoutMillis) throws InterruptedException {
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return false;
        }
        post(agent::shutdown);
        thread.join(timeoutMillis);
        return partnersTold;
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
                long deadline = agent.nextDeadline();
                long now = clock.getAsLong();
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
                    run(task, clock.getAsLong());
                    task = tasks.poll();
                }
                now = clock.getAsLong();
                agent.advance(now);
                if (agent.finished(now)) {
                    partnersTold = agent.partnersTold();
                    running = false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            agent.close();
        }
    }

    /** Runs one task; a bug in it is told and skips that task only, so every port keeps running. */
    private void run(Task task, long now) {
        try {
            task.run(now);
        } catch (RuntimeException e) {
            notices.accept("internal error, an event was skipped: " + e);
        }
    }
}
