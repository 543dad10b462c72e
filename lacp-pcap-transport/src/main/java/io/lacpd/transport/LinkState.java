package io.lacpd.transport;

import io.lacpd.core.Duplex;
import io.lacpd.core.pdu.MacAddress;

/**
 * What the kernel says of one network interface at one moment.
 *
 * @param name      interface name
 * @param index     interface index (changes when an interface is deleted and created again)
 * @param exists    false once the interface has been deleted
 * @param ethernet  true for Ethernet-like interfaces (ARPHRD_ETHER), the only kind LACP runs on
 * @param up        administratively up AND carrier present (IFF_UP and IFF_LOWER_UP), and not held dormant
 *                  or testing by the kernel (operstate DORMANT or TESTING)
 * @param speedMbps link speed in Mb/s, or 0 when unknown
 * @param duplex    link duplex
 * @param mtu       MTU in octets
 * @param mac       the interface's own MAC address
 */
public record LinkState(String name, int index, boolean exists, boolean ethernet, boolean up, int speedMbps,
                        Duplex duplex, int mtu, MacAddress mac) {

    /** The state of an interface that does not exist (or no longer does). */
    public static LinkState absent(String name) {
        return new LinkState(name, 0, false, false, false, 0, Duplex.UNKNOWN, 0, MacAddress.ZERO);
    }
}
