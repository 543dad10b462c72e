package io.lacpd.core;

/** Receives the events of a {@link LacpSystem}, on the thread that drives it. */
@FunctionalInterface
public interface LacpListener {

    /** A listener that ignores everything. */
    LacpListener NONE = event -> { };

    void onEvent(LacpEvent event);
}
