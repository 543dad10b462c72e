package io.lacpd.team.datapath;

import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.member.MemberMap;

import java.nio.ByteBuffer;

/**
 * Chooses the member each outbound frame leaves on: the frame's flow hash picks a bucket, the member map says
 * which member owns it. Pure and allocation-free; one instance per transmitting thread.
 */
public final class Distributor {

    private final LoadBalancingAlgorithm algorithm;

    /** @param algorithm how frames are spread over the members */
    public Distributor(LoadBalancingAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    /** The algorithm this distributor applies. */
    public LoadBalancingAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The slot this Ethernet frame leaves on, or {@link MemberMap#NONE} when no member may transmit.
     *
     * @param map    the member map in force
     * @param frame  holds the frame (no vnet header) from {@code offset}, {@code length} octets; not modified
     */
    public int transmitSlot(MemberMap map, ByteBuffer frame, int offset, int length) {
        if (map.transmitting() == 0) {
            return MemberMap.NONE;
        }
        return map.bucketOwner(macHash(frame, offset, length) & (MemberMap.BUCKETS - 1));
    }

    /** The last octets of destination and source MAC, as Linux bonding's layer2 policy. */
    private static int macHash(ByteBuffer frame, int offset, int length) {
        if (length < 12) {
            return 0;
        }
        return (frame.get(offset + 5) ^ frame.get(offset + 11)) & 0xff;
    }
}
