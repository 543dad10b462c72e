package io.lacpd.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Selection Logic, 802.1AX-2014 6.4.14. A port that is UNSELECTED and detached chooses an aggregator from
 * its LAG ID (actor system priority, system and key; partner system priority, system and key):
 * <ul>
 *   <li>it joins the aggregator that already holds ports with the same LAG ID (6.4.14.1 b);</li>
 *   <li>else it takes a free aggregator, its own first; an Individual port always aggregates alone
 *       (6.4.14.1 d), since its LAG ID also holds the port identifiers;</li>
 *   <li>a port whose partner is this very system (a loopback) selects nothing (6.4.14.1 g forbids
 *       aggregating looped ports together; we also keep them from carrying traffic alone, where they would
 *       loop the team's frames back into the host);</li>
 *   <li>a port that is leaving (being removed, or the system shutting down) selects nothing;</li>
 *   <li>a port whose link has never come up does not take an aggregator (ours: it would only clutter the
 *       status; the standard leaves it open).</li>
 * </ul>
 * Free aggregators take the key of the LAG that selects them, so a port always finds one: there are as
 * many aggregators as ports.
 */
final class SelectionLogic {

    private final List<Aggregator> aggregators = new ArrayList<>();

    void add(Aggregator a) {
        aggregators.add(a);
    }

    /**
     * Keeps one aggregator per port when a port has gone: withdraws its own aggregator if free, else another
     * free one (there is always one: the remaining ports hold at most one each), whose port then takes over
     * the departed port's aggregator as its own.
     */
    void withdrawFreeAggregator(Aggregator departedOwn, Iterable<AggregationPort> remaining) {
        Aggregator withdrawn = departedOwn;
        if (!departedOwn.free()) {
            withdrawn = aggregators.stream().filter(Aggregator::free).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no free aggregator: one per port must exist"));
            for (AggregationPort q : remaining) {
                if (q.ownAggregator == withdrawn) {
                    q.ownAggregator = departedOwn;
                }
            }
        }
        aggregators.remove(withdrawn);
    }

    List<Aggregator> aggregators() {
        return aggregators;
    }

    /** Runs the selection for one port; true when it changed the port's Selected or aggregator. */
    boolean select(AggregationPort p) {
        PortVariables v = p.vars;
        if (v.selected == Selected.SELECTED || p.mux.state() != MuxState.DETACHED) {
            return false;
        }
        boolean changed = false;
        if (v.aggregator != null) {
            release(p); // one aggregator at a time (6.4.14.1 a): leave the old one before choosing
            changed = true;
        }
        if (!v.portEnabled || p.loopback() || p.leaving) {
            return changed;
        }
        Aggregator chosen = choose(p);
        if (chosen.free()) {
            chosen.adopt(v);
        }
        chosen.selectedPorts.add(p);
        v.aggregator = chosen;
        v.selected = Selected.SELECTED;
        p.emit(new LacpEvent.PortSelected(p.name, chosen.id));
        return true;
    }

    /** Lets go of the port's aggregator; the mux has detached it already. */
    private void release(AggregationPort p) {
        Aggregator a = p.vars.aggregator;
        a.selectedPorts.remove(p);
        p.vars.aggregator = null;
        p.vars.selected = Selected.UNSELECTED;
        p.emit(new LacpEvent.PortUnselected(p.name, a.id));
    }

    private Aggregator choose(AggregationPort p) {
        if (p.vars.aggregatable()) {
            for (Aggregator a : aggregators) {
                if (!a.free() && a.matches(p.vars)) {
                    return a;
                }
            }
        }
        if (p.ownAggregator.free()) {
            return p.ownAggregator;
        }
        for (Aggregator a : aggregators) {
            if (a.free()) {
                return a;
            }
        }
        throw new IllegalStateException("no free aggregator for " + p.name + ": one per port must exist");
    }
}
