package io.lacpd.team.balance;

import io.lacpd.team.mode.ConfigNamed;

import java.util.Optional;

/**
 * Load-balancing algorithms as Windows Server NIC Teaming names them: how outbound frames are spread over
 * the members that may transmit. Each has our config name and Windows' name; either is accepted, in any case.
 */
public enum LoadBalancingAlgorithm implements ConfigNamed {
    /** Source and destination IP and TCP/UDP port; other IP falls back to the addresses, non-IP to the MACs. */
    TRANSPORT_PORTS("transport-ports", "TransportPorts"),
    /** Source and destination IP; non-IP falls back to the MACs. */
    IP_ADDRESSES("ip-addresses", "IPAddresses"),
    /** Source and destination MAC. */
    MAC_ADDRESSES("mac-addresses", "MacAddresses"),
    /** Each source MAC behind the team (a virtual port) bound to one member. */
    HYPERV_PORT("hyperv-port", "HyperVPort"),
    /** The 4-tuple, with flows moved at flowlet boundaries and rebalanced by load. */
    DYNAMIC("dynamic", "Dynamic");

    private final String configName;
    private final String windowsName;

    LoadBalancingAlgorithm(String configName, String windowsName) {
        this.configName = configName;
        this.windowsName = windowsName;
    }

    @Override
    public String configName() {
        return configName;
    }

    @Override
    public String windowsName() {
        return windowsName;
    }

    /** The algorithm named {@code text} in our spelling or Windows', case-insensitively. */
    public static Optional<LoadBalancingAlgorithm> parse(String text) {
        return ConfigNamed.parse(values(), text);
    }

    @Override
    public String toString() {
        return configName;
    }
}
