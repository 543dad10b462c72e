package io.lacpd.transport;

import io.lacpd.core.LacpEvent;

/**
 * An event as a line beside the notices: "a1: distributing" for the changes these tests wait for (the
 * daemon's own wording of every event lives in team-engine), the record itself for the others.
 */
final class EventLine {

    private EventLine() {
    }

    static String of(LacpEvent e) {
        return e instanceof LacpEvent.DistributingChanged d
                ? d.port() + (d.distributing() ? ": distributing" : ": not distributing") : e.toString();
    }
}
