package io.lacpd.bench;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.FlowHash;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FlowletTable;
import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.member.Member;
import io.lacpd.team.member.MemberMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the per-frame transmit decision (parse in place, flow hash, bucket, owner) on frames in a direct
 * buffer, as the TX thread sees them after the vnet header: a TCP/IPv4 frame, a VLAN-tagged TCP/IPv6 frame
 * behind a hop-by-hop header, and an ARP frame (non-IP, hashed by MAC), all under transport-ports; plus the
 * TCP/IPv4 frame under dynamic with a flowlet table. Target: tens of nanoseconds, noise against a syscall.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DistributorBenchmark {

    private MemberMap map;
    private Distributor distributor;
    private Distributor dynamic;
    private ByteBuffer tcp4;
    private ByteBuffer taggedTcp6;
    private ByteBuffer arp;
    private long now;

    @Setup
    public void setUp() {
        List<Member> members = new ArrayList<>();
        byte[] buckets = new byte[MemberMap.BUCKETS];
        for (int s = 0; s < 4; s++) {
            members.add(new Member(s, "eth" + s, new MacAddress(0x0200_0000_0100L + s), true, true));
        }
        for (int b = 0; b < buckets.length; b++) {
            buckets[b] = (byte) (b % 4);
        }
        map = new MemberMap(1, members, buckets);
        distributor = new Distributor(LoadBalancingAlgorithm.TRANSPORT_PORTS);
        dynamic = new Distributor(LoadBalancingAlgorithm.DYNAMIC, FlowHash.DEFAULT_SEED,
                new FlowletTable(4096, 500_000));

        tcp4 = frame(ethernet().putShort((short) 0x0800)
                .put(new byte[] {0x45, 0, 0, 40, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2})
                .put(tcp()));
        ByteBuffer v6 = ethernet().putShort((short) 0x8100).putShort((short) 100).putShort((short) 0x86dd)
                .putInt(0x6000_0000).putShort((short) 28).put((byte) 0).put((byte) 64)
                .putLong(0x2001_0db8_0000_0000L).putLong(1).putLong(0x2001_0db8_0000_0000L).putLong(2)
                .put(new byte[] {6, 0, 1, 4, 0, 0, 0, 0}); // hop-by-hop: next TCP, padding
        taggedTcp6 = frame(v6.put(tcp()));
        arp = frame(ethernet().putShort((short) 0x0806).put(new byte[28]));

        FrameView check = new FrameView();
        if (check.parse(tcp4, 0, tcp4.limit()) != FrameView.Layer.TRANSPORT
                || check.parse(taggedTcp6, 0, taggedTcp6.limit()) != FrameView.Layer.TRANSPORT
                || check.parse(arp, 0, arp.limit()) != FrameView.Layer.MAC) {
            throw new IllegalStateException("a benchmark frame does not parse as intended");
        }
    }

    private static ByteBuffer ethernet() {
        return ByteBuffer.allocate(256).putShort((short) 0x0200).putInt(0x0000_000b)
                .putShort((short) 0x0200).putInt(0x0000_000a);
    }

    private static byte[] tcp() {
        return new byte[] {(byte) 0x9c, 0x40, 0x14, 0x51, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, -1, -1, 0, 0, 0, 0};
    }

    private static ByteBuffer frame(ByteBuffer built) {
        built.flip();
        ByteBuffer direct = ByteBuffer.allocateDirect(built.remaining());
        direct.put(built).flip();
        return direct;
    }

    /** An untagged TCP/IPv4 frame under transport-ports. */
    @Benchmark
    public int tcp4() {
        return distributor.transmitSlot(map, tcp4, 0, tcp4.limit());
    }

    /** A VLAN-tagged TCP/IPv6 frame with a hop-by-hop header under transport-ports. */
    @Benchmark
    public int taggedTcp6() {
        return distributor.transmitSlot(map, taggedTcp6, 0, taggedTcp6.limit());
    }

    /** An ARP frame: not IP, so transport-ports falls back to the MACs. */
    @Benchmark
    public int nonIp() {
        return distributor.transmitSlot(map, arp, 0, arp.limit());
    }

    /** The TCP/IPv4 frame under dynamic: the hash, then the flowlet table's lookup and update. */
    @Benchmark
    public int tcp4Dynamic() {
        now += 1_000;
        return dynamic.transmitSlot(map, tcp4, 0, tcp4.limit(), now);
    }
}
