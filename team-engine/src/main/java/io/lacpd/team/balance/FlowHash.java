package io.lacpd.team.balance;

import io.lacpd.team.datapath.FrameView;

/**
 * The flow hash of a parsed frame for each load-balancing algorithm, with the fallbacks Windows NIC Teaming
 * documents: the 4-tuple falls back to the 2-tuple for IP without ports (other protocols, fragments), and both
 * fall back to the MACs for non-IP. The low 8 bits pick one of the 256 buckets.
 *
 * <p>Unlike Linux bonding's XOR folds, which put flows that differ in one port bit on neighbouring buckets, every
 * field goes through an xxHash64 round and the result through MurmurHash3's 64-bit finalizer, so consecutive
 * source ports (iperf3 -P, a client's ephemeral range) scatter over the buckets. The seed plays the part of Open
 * vSwitch's hash basis: a team whose flows happen to collide can take another. Not symmetric: the two directions
 * of a flow may hash apart, which is harmless since each host chooses only its own outbound member.
 *
 * <p>{@code mac-addresses} hashes destination and source MAC only, not the EtherType Linux's layer2 policy adds:
 * Windows defines it as the MAC pair, and keeping every protocol of one station pair on one member keeps the
 * algorithm's promise of one member per conversation. Immutable and allocation-free.
 */
public final class FlowHash {

    /** The seed of a team that sets none. */
    public static final long DEFAULT_SEED = 0x2545_f491_4f6c_dd1dL;

    private static final long P1 = 0x9e37_79b1_85eb_ca87L;
    private static final long P2 = 0xc2b2_ae3d_27d4_eb4fL;

    private final long seed;

    /** @param seed the team's hash basis; another seed gives an unrelated spread of the same flows */
    public FlowHash(long seed) {
        this.seed = seed;
    }

    /**
     * The hash {@code algorithm} gives this frame: {@code dynamic} hashes as {@code transport-ports} (its flowlet
     * moves are decided after the hash), {@code hyperv-port} by the source MAC alone (the virtual port).
     */
    public long hash(LoadBalancingAlgorithm algorithm, FrameView frame) {
        return switch (algorithm) {
            case TRANSPORT_PORTS, DYNAMIC -> transportPorts(frame);
            case IP_ADDRESSES -> ipAddresses(frame);
            case MAC_ADDRESSES -> macAddresses(frame);
            case HYPERV_PORT -> sourceMac(frame);
        };
    }

    /** IP protocol, addresses and ports; without ports the addresses, without IP the MACs. */
    public long transportPorts(FrameView frame) {
        if (frame.layer() != FrameView.Layer.TRANSPORT) {
            return ipAddresses(frame);
        }
        long h = addresses(frame);
        h = round(h, (long) frame.protocol() << 32 | (long) frame.srcPort() << 16 | frame.dstPort());
        return finish(h);
    }

    /** Source and destination IP; without IP the MACs. */
    public long ipAddresses(FrameView frame) {
        if (frame.layer() != FrameView.Layer.IP && frame.layer() != FrameView.Layer.TRANSPORT) {
            return macAddresses(frame);
        }
        return finish(addresses(frame));
    }

    /** Destination and source MAC; a frame too short for an Ethernet header hashes to the seed's constant. */
    public long macAddresses(FrameView frame) {
        if (frame.layer() == FrameView.Layer.NONE) {
            return finish(seed);
        }
        return finish(round(round(seed, frame.dstMac()), frame.srcMac()));
    }

    /** The source MAC alone: {@code hyperv-port}'s virtual port. */
    public long sourceMac(FrameView frame) {
        if (frame.layer() == FrameView.Layer.NONE) {
            return finish(seed);
        }
        return finish(round(seed, frame.srcMac()));
    }

    private long addresses(FrameView frame) {
        if (frame.ipVersion() == 4) {
            return round(seed, frame.srcAddrLo() << 32 | frame.dstAddrLo());
        }
        long h = round(seed, frame.srcAddrHi());
        h = round(h, frame.srcAddrLo());
        h = round(h, frame.dstAddrHi());
        return round(h, frame.dstAddrLo());
    }

    // xxHash64's accumulator round.
    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    // MurmurHash3's fmix64: every input bit reaches every output bit, the low 8 included.
    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51_afd7_ed55_8ccdL;
        h ^= h >>> 33;
        h *= 0xc4ce_b9fe_1a85_ec53L;
        return h ^ h >>> 33;
    }
}
