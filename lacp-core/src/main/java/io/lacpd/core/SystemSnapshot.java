package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;

import java.util.List;

/**
 * Everything a {@link LacpSystem} knows at one moment, immutable: the source of status output.
 *
 * @param systemPriority Actor_System_Priority
 * @param system         Actor_System
 * @param aggregateWaitTime Aggregate_Wait_Time in force, in nanoseconds
 * @param aggregators    aggregators that have ports, by id
 * @param ports          all ports, in the order they were added
 */
public record SystemSnapshot(int systemPriority, MacAddress system, long aggregateWaitTime, List<AggregatorSnapshot> aggregators,
                             List<PortSnapshot> ports) {

    public SystemSnapshot {
        aggregators = List.copyOf(aggregators);
        ports = List.copyOf(ports);
    }

    /** The port of that name. */
    public PortSnapshot port(String name) {
        for (PortSnapshot p : ports) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no port " + name);
    }
}
