package io.lacpd.team.balance;

import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.datapath.TestFrame;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.lacpd.team.datapath.TestFrame.DST_MAC;
import static io.lacpd.team.datapath.TestFrame.SRC_MAC;
import static io.lacpd.team.datapath.TestFrame.ethernet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each algorithm hashes the fields it names, falls back as documented, and spreads flows over the buckets. */
class FlowHashTest {

    private static final long IP_A = 0x0a00_0001L;
    private static final long IP_B = 0x0a00_0002L;

    private final FlowHash hash = new FlowHash(FlowHash.DEFAULT_SEED);

    private static FrameView parsed(TestFrame f) {
        FrameView v = new FrameView();
        v.parse(f.heap(), 0, f.length());
        return v;
    }

    private long hash(LoadBalancingAlgorithm a, TestFrame f) {
        return hash.hash(a, parsed(f));
    }

    private static int bucket(long h) {
        return (int) h & 0xff;
    }

    @Test
    void transportPortsTellsFlowsApartByEachPortAndByProtocol() {
        long base = hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, TestFrame.tcp4(IP_A, IP_B, 40000, 5201));
        assertNotEquals(base, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, TestFrame.tcp4(IP_A, IP_B, 40001, 5201)));
        assertNotEquals(base, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, TestFrame.tcp4(IP_A, IP_B, 40000, 5202)));
        TestFrame udp = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0).udp(40000, 5201);
        assertNotEquals(base, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, udp));
        assertEquals(base, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, TestFrame.tcp4(IP_A, IP_B, 40000, 5201)));
    }

    @Test
    void transportPortsFallsBackToTheAddressesWithoutPortsAndToTheMacsWithoutIp() {
        TestFrame icmp = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(1, IP_A, IP_B, 0).u32(0x0800_0000L).u32(1);
        assertEquals(hash(LoadBalancingAlgorithm.IP_ADDRESSES, icmp), hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, icmp));
        TestFrame arp = ethernet(DST_MAC, SRC_MAC).u16(0x0806).zeros(28);
        assertEquals(hash(LoadBalancingAlgorithm.MAC_ADDRESSES, arp), hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, arp));
        TestFrame truncatedIp = ethernet(DST_MAC, SRC_MAC).u16(0x0800).u8(0x45).zeros(5);
        assertEquals(hash(LoadBalancingAlgorithm.MAC_ADDRESSES, truncatedIp),
                hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, truncatedIp));
    }

    @Test
    void allFragmentsOfADatagramHashAlikeUnderTransportPorts() {
        TestFrame first = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x2000)
                .udp(4000, 4001).zeros(16);
        TestFrame middle = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x2003)
                .zeros(24);
        TestFrame last = ethernet(DST_MAC, SRC_MAC).u16(0x0800).ipv4(FrameView.PROTO_UDP, IP_A, IP_B, 0x0006)
                .zeros(24);
        long h = hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, first);
        assertEquals(h, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, middle));
        assertEquals(h, hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, last));
        assertEquals(hash(LoadBalancingAlgorithm.IP_ADDRESSES, first), h);
    }

    @Test
    void ipAddressesIgnoresPortsAndFallsBackToMacs() {
        long h = hash(LoadBalancingAlgorithm.IP_ADDRESSES, TestFrame.tcp4(IP_A, IP_B, 1, 2));
        assertEquals(h, hash(LoadBalancingAlgorithm.IP_ADDRESSES, TestFrame.tcp4(IP_A, IP_B, 3, 4)));
        assertNotEquals(h, hash(LoadBalancingAlgorithm.IP_ADDRESSES, TestFrame.tcp4(IP_A, 0x0a00_0003L, 1, 2)));
        TestFrame arp = ethernet(DST_MAC, SRC_MAC).u16(0x0806).zeros(28);
        assertEquals(hash(LoadBalancingAlgorithm.MAC_ADDRESSES, arp), hash(LoadBalancingAlgorithm.IP_ADDRESSES, arp));
    }

    @Test
    void ipv6AddressesCountInFull() {
        TestFrame a = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(58, 0x2001_0db8L << 32, 1, 0x2001_0db8L << 32, 2);
        TestFrame highDiffers = ethernet(DST_MAC, SRC_MAC).u16(0x86dd).ipv6(58, 0x2001_0db9L << 32, 1,
                0x2001_0db8L << 32, 2);
        assertNotEquals(hash(LoadBalancingAlgorithm.IP_ADDRESSES, a), hash(LoadBalancingAlgorithm.IP_ADDRESSES, highDiffers));
    }

    @Test
    void macAddressesIsTheMacPairAloneNotTheEtherTypeOrTheVlan() {
        long ip = hash(LoadBalancingAlgorithm.MAC_ADDRESSES, TestFrame.tcp4(IP_A, IP_B, 1, 2));
        assertEquals(ip, hash(LoadBalancingAlgorithm.MAC_ADDRESSES, ethernet(DST_MAC, SRC_MAC).u16(0x0806).zeros(28)));
        assertEquals(ip, hash(LoadBalancingAlgorithm.MAC_ADDRESSES,
                ethernet(DST_MAC, SRC_MAC).tag(0x8100, 7).u16(0x88cc).zeros(30)));
        assertNotEquals(ip, hash(LoadBalancingAlgorithm.MAC_ADDRESSES, ethernet(DST_MAC + 1, SRC_MAC).u16(0x0806)));
        assertNotEquals(ip, hash(LoadBalancingAlgorithm.MAC_ADDRESSES, ethernet(DST_MAC, SRC_MAC + 1).u16(0x0806)));
    }

    @Test
    void hypervPortIsTheSourceMacAlone() {
        long h = hash(LoadBalancingAlgorithm.HYPERV_PORT, TestFrame.tcp4(IP_A, IP_B, 1, 2));
        assertEquals(h, hash(LoadBalancingAlgorithm.HYPERV_PORT, ethernet(0xffff_ffff_ffffL, SRC_MAC).u16(0x0806)));
        assertNotEquals(h, hash(LoadBalancingAlgorithm.HYPERV_PORT, ethernet(DST_MAC, SRC_MAC + 1).u16(0x0806)));
    }

    @Test
    void dynamicHashesAsTransportPorts() {
        TestFrame f = TestFrame.tcp4(IP_A, IP_B, 40000, 5201);
        assertEquals(hash(LoadBalancingAlgorithm.TRANSPORT_PORTS, f), hash(LoadBalancingAlgorithm.DYNAMIC, f));
    }

    @Test
    void aFrameTooShortForEthernetHashesToOneConstantPerSeed() {
        TestFrame runt = ethernet(DST_MAC, SRC_MAC);
        for (LoadBalancingAlgorithm a : LoadBalancingAlgorithm.values()) {
            assertEquals(hash(LoadBalancingAlgorithm.MAC_ADDRESSES, runt), hash(a, runt), a.toString());
        }
    }

    @Test
    void anotherSeedGivesAnotherSpread() {
        FlowHash other = new FlowHash(12345);
        int sameBucket = 0;
        for (int port = 0; port < 1000; port++) {
            FrameView v = parsed(TestFrame.tcp4(IP_A, IP_B, 30000 + port, 5201));
            if (bucket(hash.transportPorts(v)) == bucket(other.transportPorts(v))) {
                sameBucket++;
            }
        }
        // Unrelated spreads agree on about 1000 / 256 flows.
        assertTrue(sameBucket < 15, "same bucket under both seeds: " + sameBucket);
    }

    @Test
    void tenThousandRandomTcpFlowsFillThe256BucketsEvenly() {
        Random random = new Random(1);
        int[] counts = new int[256];
        FrameView v = new FrameView();
        int flows = 10_000;
        for (int i = 0; i < flows; i++) {
            TestFrame f = TestFrame.tcp4(random.nextInt() & 0xffff_ffffL, random.nextInt() & 0xffff_ffffL,
                    random.nextInt(65536), random.nextInt(65536));
            v.parse(f.heap(), 0, f.length());
            counts[bucket(hash.transportPorts(v))]++;
        }
        assertEvenSpread(counts, flows);
    }

    @Test
    void consecutiveSourcePortsBetweenTwoHostsFillThe256BucketsEvenly() {
        int[] counts = new int[256];
        FrameView v = new FrameView();
        int flows = 10_000;
        for (int i = 0; i < flows; i++) {
            TestFrame f = TestFrame.tcp4(IP_A, IP_B, 32768 + i, 5201);
            v.parse(f.heap(), 0, f.length());
            counts[bucket(hash.transportPorts(v))]++;
        }
        assertEvenSpread(counts, flows);
    }

    /**
     * Chi-square over 256 buckets (255 degrees of freedom): mean 255, and 330 is beyond the 99.9th percentile
     * (about 330.5 is its value), so a fair hash passes nearly always and a biased one does not. The extremes are
     * bounded too: with 39 flows expected per bucket, an empty or doubled bucket means clustering.
     */
    private static void assertEvenSpread(int[] counts, int flows) {
        double expected = (double) flows / counts.length;
        double chi2 = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c : counts) {
            chi2 += (c - expected) * (c - expected) / expected;
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        assertTrue(chi2 < 330, "chi-square " + chi2);
        assertTrue(min >= 15, "emptiest bucket " + min);
        assertTrue(max <= 70, "fullest bucket " + max);
    }

    /**
     * iperf3 -P 8: one client, one server, destination port 5201, eight consecutive ephemeral source ports. With
     * the buckets of a two-member team split alternately (as a fair bucket table does), the eight must not all
     * take one member; over 200 different first ports, eight-on-one should happen about as often as for random
     * flows (2 / 2^8 of the time, under one case in 200), not systematically.
     */
    @Test
    void iperf3WithEightParallelStreamsUsesBothMembersOfATwoMemberTeam() {
        FrameView v = new FrameView();
        int[] members = new int[2];
        for (int i = 0; i < 8; i++) {
            TestFrame f = TestFrame.tcp4(IP_A, IP_B, 48372 + i, 5201);
            v.parse(f.heap(), 0, f.length());
            members[bucket(hash.transportPorts(v)) % 2]++;
        }
        assertTrue(members[0] > 0 && members[1] > 0, "streams per member " + members[0] + "/" + members[1]);

        int allOnOne = 0;
        for (int first = 33000; first < 33000 + 200 * 8; first += 8) {
            int onZero = 0;
            for (int i = 0; i < 8; i++) {
                TestFrame f = TestFrame.tcp4(IP_A, IP_B, first + i, 5201);
                v.parse(f.heap(), 0, f.length());
                onZero += bucket(hash.transportPorts(v)) % 2 == 0 ? 1 : 0;
            }
            if (onZero == 0 || onZero == 8) {
                allOnOne++;
            }
        }
        assertTrue(allOnOne <= 5, "runs of eight streams all on one member: " + allOnOne + " of 200");
    }
}
