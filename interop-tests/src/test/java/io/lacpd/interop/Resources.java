package io.lacpd.interop;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started (labs, peers, captures), closed in reverse order after it, also after a failure: a peer
 * before the lab it runs in. The first failure to close is thrown, with the later ones suppressed.
 */
public final class Resources implements AutoCloseable {

    private final List<AutoCloseable> open = new ArrayList<>();

    /** Keeps {@code resource} for {@link #close}; returns it. */
    public <T extends AutoCloseable> T track(T resource) {
        open.add(resource);
        return resource;
    }

    /** Closes {@code resource} now, ahead of the others. */
    public void release(AutoCloseable resource) throws Exception {
        open.remove(resource);
        resource.close();
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
