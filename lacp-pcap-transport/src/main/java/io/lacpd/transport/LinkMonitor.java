package io.lacpd.transport;

import java.util.function.Consumer;

/**
 * Watches the kernel's network interfaces and reports every change of the ones asked for: carrier, speed,
 * duplex, MTU, MAC, deletion and re-creation. Implementations are event driven where the kernel allows
 * (netlink), so that carrier loss is reported within milliseconds.
 */
public interface LinkMonitor extends AutoCloseable {

    /**
     * Reads the current state of an interface now, synchronously.
     *
     * @return its state, or {@link LinkState#absent} when there is no such interface
     */
    LinkState read(String name);

    /**
     * Starts watching. {@code listener} is called from the monitor's own thread with the new state of a
     * watched interface each time anything in its {@link LinkState} changes (including deletion, reported
     * with {@code exists == false}, and re-creation). It must not block. The first calls give the state of
     * every watched name at the start (absent ones included), so no change before it can be missed.
     *
     * @param notices one-line notices of the monitor's own troubles (a listener that threw, a notification it
     *                could not read), called from the monitor's thread
     * @throws IllegalStateException when already started, or closed
     */
    void start(java.util.Set<String> names, Consumer<LinkState> listener, Consumer<String> notices);

    /**
     * Replaces the set of watched names, e.g. when ports are added or removed at run time. A newly watched
     * name is reported from its next change on; read it once after this call to know its state now.
     *
     * @throws IllegalStateException when not started
     */
    void watch(java.util.Set<String> names);

    /**
     * Stops watching and releases the kernel socket; no calls to the listener after it returns (it waits
     * for one in progress, unless called by the listener itself).
     */
    @Override
    void close();
}
