package io.lacpd.core.pdu;

/**
 * The information one end of a link tells about itself: the body of an Actor or Partner Information TLV
 * (802.1AX-2014 6.4.2.3).
 *
 * @param systemPriority System_Priority, 0..65535 (lower is better)
 * @param system         System (MAC address)
 * @param key            Key, 0..65535
 * @param portPriority   Port_Priority, 0..65535
 * @param port           Port (number), 0..65535
 * @param state          State octet
 */
public record PortInfo(int systemPriority, MacAddress system, int key, int portPriority, int port, LacpState state) {

    /** All fields zero: what a port that has never heard its partner advertises for it. */
    public static final PortInfo NONE = new PortInfo(0, MacAddress.ZERO, 0, 0, 0, LacpState.NONE);

    public PortInfo {
        check("system priority", systemPriority);
        check("key", key);
        check("port priority", portPriority);
        check("port", port);
        if (system == null || state == null) {
            throw new IllegalArgumentException("system and state are required");
        }
    }

    private static void check(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " out of range: " + value + " (expected: 0..65535)");
        }
    }

    /** This information with another state octet. */
    public PortInfo withState(LacpState newState) {
        return newState.equals(state) ? this : new PortInfo(systemPriority, system, key, portPriority, port, newState);
    }

    /** True when everything but the state octet is equal. */
    public boolean sameIdentity(PortInfo o) {
        return systemPriority == o.systemPriority && system.equals(o.system) && key == o.key
                && portPriority == o.portPriority && port == o.port;
    }
}
