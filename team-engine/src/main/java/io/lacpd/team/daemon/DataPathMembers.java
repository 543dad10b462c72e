package io.lacpd.team.daemon;

import io.lacpd.team.runtime.TeamDataPath;
import io.lacpd.transport.LinkState;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Which NICs the team's data path holds, following the kernel: a member whose interface is missing at the start
 * or is added while missing is taken when it appears, one deleted is let go (its socket was bound to an interface
 * that is no more), and one created again is taken afresh. Called from the event loop (link changes) and from a
 * reload; each call is one step, under this object's lock.
 */
final class DataPathMembers {

    /** A NIC taken, and the interface index it was taken on: a new index is a new interface. */
    private record Taken(String name, int ifindex) {
    }

    private final TeamDataPath path;
    private final Log log;
    private final Map<Integer, Taken> taken = new HashMap<>();

    DataPathMembers(TeamDataPath path, Log log) {
        this.path = path;
        this.log = log;
    }

    /**
     * Takes a present member into {@code slot} now (the start, a reload, {@code port add}); a missing one is left
     * for {@link #follow}, and one already there stays.
     *
     * @throws IOException with one line when the NIC is refused (an address, another team)
     */
    synchronized void take(int slot, LinkState state) throws IOException {
        Taken t = taken.get(slot);
        if (!state.exists() || t != null && t.name().equals(state.name())) {
            return;
        }
        if (t != null) { // a port removed in the same reload had this number: it is out of the member map
            release(slot);
        }
        path.addMember(slot, state.name());
        taken.put(slot, new Taken(state.name(), state.index()));
    }

    /** Lets the member in {@code slot} go, giving the NIC back to the host; nothing when the slot is empty. */
    synchronized void release(int slot) {
        if (taken.remove(slot) != null) {
            path.removeMember(slot);
        }
    }

    /** A link change of the member in {@code slot}: takes it when it appeared, lets it go when it was deleted. */
    synchronized void follow(int slot, LinkState state) {
        Taken t = taken.get(slot);
        if (t != null && t.name().equals(state.name()) && state.exists() && t.ifindex() == state.index()) {
            return;
        }
        if (t != null && t.name().equals(state.name())) {
            release(slot);
        }
        if (state.exists() && state.ethernet() && !taken.containsKey(slot)) {
            try {
                take(slot, state);
                log.line(state.name() + ": present, taken into the team");
            } catch (IOException refused) {
                log.line(state.name() + ": present, but not taken into the team: " + refused.getMessage());
            }
        }
    }
}
