package io.lacpd.team.runtime;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.team.balance.LoadBalancingAlgorithm;
import io.lacpd.team.datapath.DataPathCounters;
import io.lacpd.team.datapath.Distributor;
import io.lacpd.team.datapath.FrameView;
import io.lacpd.team.datapath.VlanCounters;
import io.lacpd.team.datapath.VlanSet;
import io.lacpd.team.datapath.SwitchIndependentRules;
import io.lacpd.team.datapath.OwnSource;
import io.lacpd.team.datapath.VlanTag;
import io.lacpd.team.datapath.VnetHeader;
import io.lacpd.team.io.CpuAffinity;
import io.lacpd.team.io.MemberIsolation;
import io.lacpd.team.io.PacketBatch;
import io.lacpd.team.io.PacketSocket;
import io.lacpd.team.io.TapDevice;
import io.lacpd.team.member.MemberMap;
import io.lacpd.transport.linux.Libc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A team's user-space data path: the team interface (a TAP) and one packet socket per member slot, moved by two
 * threads. Both sides carry a {@link VnetHeader} before each frame, so super-frames pass whole and partial
 * checksums stay partial.
 *
 * <p>The transmit thread reads a frame from the TAP, sets its hdr_len from csum_start and the transport header
 * ({@link VnetHeader#fixHdrLen}), asks the {@link Distributor} for a slot at the current time (read once per TAP
 * read, and only when the distributor needs the clock), lets the {@link SwitchIndependentRules} move it to the
 * primary or rewrite the source MAC of a frame that leaves elsewhere, and keeps the frame for that member in a
 * {@link TransmitBatch}. The first frame after a wait leaves at once; after it the thread reads on until the TAPs
 * are drained or the batch is full, never waiting for more, then sends each member's frames in their order with one
 * sendmmsg: a lone frame costs no more than before, a burst of small ones a system call per frame less. A frame
 * held in the batch counts as queued on its member for the flowlet table's queue test, so no flow moves while its
 * last frame waits there. The receive thread polls the members, takes up to {@value #RECEIVE_BATCH} frames from
 * each in turn (up to a {@link PacketBatch} per recvmmsg), leaves Slow Protocols frames to LACP's own capture,
 * drops what a member may not receive (and what the {@link SwitchIndependentRules} refuse:
 * broadcasts off the primary, our own source MACs come back), puts back the VLAN tag the kernel took off
 * ({@link VlanTag#insert} into the headroom before the frame), fixes hdr_len and writes the frame to the TAP. A
 * frame that is too short or did not fit, or whose vnet header is malformed (an unknown gso_type, headers outside
 * the frame), is counted as malformed and dropped, on either side.
 * Both threads block in read/poll while there is nothing to do, and allocate nothing per frame.
 *
 * <p>VLAN team interfaces ({@link #addVlan}) are further TAPs with the team's MAC, MTU and carrier. The transmit
 * thread polls them with the team interface and pushes each one's 802.1Q tag into a frame read from it (into the
 * headroom, offsets moved along), before the same path to the members. The receive thread hands a frame whose tag
 * a VLAN interface claims ({@link VlanSet#receiveInterface}) to that interface as the kernel gave it, untagged;
 * every other frame goes to the team interface, its tag put back.
 *
 * <p>The control thread publishes the {@link MemberMap} in force ({@link #publish}); the data threads read it
 * once per frame without locks. Members join and leave by slot at run time: the sockets are replaced whole and
 * the control thread waits until both data threads have let go of the old ones. {@link #open} and
 * {@link #addMember} work in the calling thread's network namespace.
 */
public final class TeamDataPath implements AutoCloseable {

    /** Free octets before each frame of a batch, for the VLAN tag the kernel took off or a VLAN interface's. */
    private static final int HEADROOM = VlanTag.LENGTH;
    private static final int ETHER_HEADER = 14;
    /** Frames taken from one member before the next gets its turn. */
    private static final int RECEIVE_BATCH = 64;
    private static final long ACK_TIMEOUT_MILLIS = 1000;

    // transmit-thread counters, per slot then the team's own
    private static final int TX_PACKETS = 0;
    private static final int TX_BYTES = 1;
    private static final int TX_QUEUE_FULL = 2;
    private static final int TX_SEND_ERROR = 3;
    private static final int TX_FIELDS = 4;
    private static final int TEAM_NO_MEMBER = MemberMap.MAX_MEMBERS * TX_FIELDS;
    private static final int TEAM_MALFORMED = TEAM_NO_MEMBER + 1;
    // receive-thread counters, per slot
    private static final int RX_PACKETS = 0;
    private static final int RX_BYTES = 1;
    private static final int RX_NOT_COLLECTING = 2;
    private static final int RX_QUEUE_FULL = 3;
    private static final int RX_SEND_ERROR = 4;
    private static final int RX_MALFORMED = 5;
    private static final int RX_NOT_PRIMARY = 6;
    private static final int RX_OWN_SOURCE = 7;
    private static final int RX_MAC_CONFLICT = 8;
    private static final int RX_FIELDS = 9;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Told, on a data thread, that a member's socket failed as it does once the member is administratively down or
     * deleted; must not block (hand it to the control thread).
     */
    @FunctionalInterface
    public interface MemberGone {
        /**
         * @param slot  the member's slot
         * @param name  its interface
         * @param errno {@link Libc#ENETDOWN}, {@link Libc#ENXIO} or {@link Libc#ENODEV}
         */
        void memberGone(int slot, String name, int errno);
    }

    /** The sockets by slot, replaced whole when a member joins or leaves; epoch counts the replacements. */
    private record Slots(long epoch, PacketSocket[] sockets) {
    }

    /** The VLAN interfaces: their VIDs and TAPs by index, replaced whole; epoch counts the replacements. */
    private record Vlans(long epoch, VlanSet set, TapDevice[] taps) {
    }

    // per VLAN interface index: packets then octets, transmit thread and receive thread each its own array
    private static final int VLAN_PACKETS = 0;
    private static final int VLAN_BYTES = 1;
    private static final int VLAN_FIELDS = 2;

    private final TapDevice tap;
    private final MacAddress teamMac;
    private final int mtu;
    private final Distributor distributor;
    private final SwitchIndependentRules independent;
    /** Whether the members receive for every MAC: the algorithms whose inbound traffic is the virtual ports'. */
    private final boolean promiscuous;
    /** Whether the distributor keeps a flowlet or virtual port table, the only things that need the clock. */
    private final boolean clocked;
    private final AtomicReference<MemberMap> map = new AtomicReference<>(MemberMap.EMPTY);
    private volatile Slots slots = new Slots(0, new PacketSocket[MemberMap.MAX_MEMBERS]);
    private final MemberIsolation[] isolations = new MemberIsolation[MemberMap.MAX_MEMBERS];
    private final long[] txCounters = new long[TEAM_MALFORMED + 1];
    private final long[] rxCounters = new long[MemberMap.MAX_MEMBERS * RX_FIELDS];
    private volatile Vlans vlans = new Vlans(0, VlanSet.EMPTY, new TapDevice[VlanSet.MAX_VLANS + 1]);
    private final long[] vlanTxCounters = new long[(VlanSet.MAX_VLANS + 1) * VLAN_FIELDS];
    private final long[] vlanRxCounters = new long[(VlanSet.MAX_VLANS + 1) * VLAN_FIELDS];
    private volatile long txVlansSeen;
    private volatile long rxVlansSeen;
    private volatile MemberGone memberGone = (slot, name, errno) -> { };
    /** Per slot, 1 from a {@link MemberGone} told until a frame leaves on the member again: told once a failure. */
    private final AtomicIntegerArray goneTold = new AtomicIntegerArray(MemberMap.MAX_MEMBERS);
    private volatile long txSeen;
    private volatile long rxSeen;
    private volatile boolean running = true;
    private boolean carrier;
    private final int txWake;
    private final int rxWake;
    private final Memory wakeValue = new Memory(8);
    private final Thread txThread;
    private final Thread rxThread;
    private final CpuAffinity cpus;
    /** Counted down by each data thread once it runs on {@link #cpus} (or could not). */
    private final CountDownLatch placed = new CountDownLatch(2);
    private volatile String placementError;
    /** The transmit thread's, as the flowlet table's queue test (on that thread) asks it too. */
    private final TransmitBatch txBatch = new TransmitBatch(PacketBatch.forSuperFrames(HEADROOM));

    private TeamDataPath(TapDevice tap, MacAddress teamMac, int mtu, Distributor distributor, CpuAffinity cpus,
            int txWake, int rxWake) {
        this.tap = tap;
        this.cpus = cpus;
        this.teamMac = teamMac;
        this.mtu = mtu;
        this.distributor = distributor;
        this.clocked = distributor.clocked();
        this.independent = new SwitchIndependentRules(distributor.algorithm(), teamMac);
        this.promiscuous = distributor.algorithm() == LoadBalancingAlgorithm.HYPERV_PORT
                || distributor.algorithm() == LoadBalancingAlgorithm.DYNAMIC;
        if (distributor.flowlets() != null) {
            distributor.flowlets().observeQueues(this::queuedBytes); // asked on the transmit thread
        }
        this.txWake = txWake;
        this.rxWake = rxWake;
        wakeValue.setLong(0, 1);
        txThread = new Thread(this::transmitLoop, "team-tx-" + tap.name());
        rxThread = new Thread(this::receiveLoop, "team-rx-" + tap.name());
        txThread.setDaemon(true);
        rxThread.setDaemon(true);
    }

    /**
     * Creates the team interface and starts the data threads, with no member yet and no carrier.
     *
     * @param tapName     the team interface's name, at most 15 characters
     * @param teamMac     its MAC, also put into each member's receive filter
     * @param mtu         its MTU
     * @param distributor picks the member each outbound frame leaves on; used by the transmit thread only, which
     *                    gives it the time when it keeps a flowlet table
     * @param cpus        the CPUs both data threads run on, {@link CpuAffinity#ANY} for the scheduler's choice
     * @throws IOException when the kernel refuses the interface, or the data threads these CPUs
     */
    public static TeamDataPath open(String tapName, MacAddress teamMac, int mtu, Distributor distributor,
            CpuAffinity cpus) throws IOException {
        TapDevice tap = TapDevice.open(tapName, teamMac, mtu);
        int txWake;
        try {
            txWake = eventfd();
        } catch (IOException e) {
            tap.close();
            throw e;
        }
        int rxWake;
        try {
            rxWake = eventfd();
        } catch (IOException e) {
            Libc.closeQuietly(txWake);
            tap.close();
            throw e;
        }
        TeamDataPath path = new TeamDataPath(tap, teamMac, mtu, distributor, cpus, txWake, rxWake);
        path.txThread.start();
        path.rxThread.start();
        path.awaitPlacement();
        return path;
    }

    /** Waits until both data threads run on their CPUs; closes the path when the kernel refused one. */
    private void awaitPlacement() throws IOException {
        try {
            if (!placed.await(ACK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                placementError = "the data threads did not start";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            placementError = "interrupted while the data threads started";
        }
        if (placementError != null) {
            close();
            throw new IOException("data-cpus " + cpus + ": " + placementError);
        }
    }

    /** The first thing each data thread does: runs on {@link #cpus}, then says so. */
    private void place() {
        try {
            cpus.applyToCallingThread();
        } catch (LastErrorException e) {
            placementError = "the kernel refused the CPUs (" + e.getMessage() + ")";
        } finally {
            placed.countDown();
        }
    }

    private static int eventfd() throws IOException {
        return Libc.check("cannot create an eventfd", () -> Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC));
    }

    /** The team interface's name. */
    public String name() {
        return tap.name();
    }

    /** The TUN_F_* offloads the team interface accepted. */
    public int offloads() {
        return tap.offloads();
    }

    /**
     * Puts this member map in force for the next frame; the team interface has carrier while at least one
     * member may transmit.
     */
    public synchronized void publish(MemberMap next) throws IOException {
        map.set(next);
        boolean on = carrier(next);
        if (on != carrier) {
            tap.setCarrier(on);
            carrier = on;
            for (TapDevice vlan : vlans.taps()) {
                if (vlan != null) {
                    vlan.setCarrier(on);
                }
            }
        }
    }

    /**
     * Where a member's socket failure that says the member is gone goes (ENETDOWN, ENXIO, ENODEV, on a send or as
     * the socket's pending error): at most once per member until a frame leaves on it again. The data threads do
     * not act on it themselves: the member leaves when the control thread publishes a map without it.
     */
    public void onMemberGone(MemberGone listener) {
        memberGone = listener;
    }

    /** Whether the team interface is given carrier by the map in force: while some member may transmit. */
    public boolean carrier() {
        return carrier(map.get());
    }

    private static boolean carrier(MemberMap map) {
        return map.transmitting() > 0;
    }

    /**
     * Takes the interface {@code name} into the team at {@code slot} (see {@link MemberIsolation}; promiscuous with
     * {@code hyperv-port} and {@code dynamic}, whose virtual machines' frames come to their own MACs) and opens its
     * data socket. Frames flow on it once a published map lets them.
     *
     * @throws IOException           with one line when the NIC is refused (in another team, has an address) or
     *                                missing; then nothing is left changed
     * @throws IllegalStateException when the slot is taken or the data path closed
     */
    public synchronized void addMember(int slot, String name) throws IOException {
        if (slot < 0 || slot >= MemberMap.MAX_MEMBERS) {
            throw new IllegalArgumentException("slot " + slot + " out of range (expected: 0.."
                    + (MemberMap.MAX_MEMBERS - 1) + ")");
        }
        if (!running) {
            throw new IllegalStateException(tap.name() + " is closed");
        }
        if (isolations[slot] != null) {
            throw new IllegalStateException("slot " + slot + " holds " + isolations[slot].name());
        }
        MemberIsolation isolation = MemberIsolation.take(name, teamMac, promiscuous);
        PacketSocket socket;
        try {
            socket = PacketSocket.open(name);
        } catch (IOException e) {
            isolation.close();
            throw e;
        }
        isolations[slot] = isolation;
        goneTold.set(slot, 0);
        PacketSocket[] next = slots.sockets().clone();
        next[slot] = socket;
        replaceSlots(next);
    }

    /**
     * Sends one frame on the member in {@code slot}, outside the transmit thread's flow of frames: for the control
     * thread's own frames (announcements). Synchronized with the members' joining and leaving, so the socket stays
     * open during the send; not counted in the members' traffic.
     *
     * @param frame  {@link VnetHeader#LENGTH} octets of virtio_net_hdr (zeros: no offload), then the Ethernet frame
     * @param length both together
     * @return whether the kernel took it; false too when the slot has no member
     */
    public synchronized boolean sendOn(int slot, Pointer frame, int length) {
        PacketSocket socket = slots.sockets()[slot];
        return socket != null && socket.send(frame, length) >= 0;
    }

    /** Takes the member out of slot {@code slot} and gives the NIC back to the host; nothing when empty. */
    public synchronized void removeMember(int slot) {
        PacketSocket socket = slots.sockets()[slot];
        if (socket == null) {
            return;
        }
        PacketSocket[] next = slots.sockets().clone();
        next[slot] = null;
        replaceSlots(next);
        socket.close();
        isolations[slot].close();
        isolations[slot] = null;
    }

    /** Publishes the sockets and waits until both data threads have let go of the old ones. */
    private void replaceSlots(PacketSocket[] next) {
        long epoch = slots.epoch() + 1;
        slots = new Slots(epoch, next);
        wake(txWake);
        wake(rxWake);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MILLIS);
        while ((txSeen < epoch || rxSeen < epoch) && running && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * Creates the VLAN interface {@code name} for VLAN {@code vid}: a TAP with the team's MAC, MTU and carrier,
     * in the calling thread's network namespace. Frames flow on it at once.
     *
     * @throws IOException              when the kernel refuses the interface (its name is taken, ...)
     * @throws IllegalArgumentException when the VID is out of range or has an interface, or
     *                                  {@value VlanSet#MAX_VLANS} exist
     * @throws IllegalStateException    when the data path is closed
     */
    public synchronized void addVlan(int vid, String name) throws IOException {
        if (!running) {
            throw new IllegalStateException(tap.name() + " is closed");
        }
        Vlans now = vlans;
        int index = now.set().freeIndex();
        if (index < 0) {
            throw new IllegalArgumentException("VLAN " + vid + ": " + VlanSet.MAX_VLANS
                    + " VLAN interfaces exist already (the most a team has)");
        }
        VlanSet set = now.set().with(vid, index);
        TapDevice vlan = TapDevice.open(name, teamMac, mtu);
        try {
            vlan.setCarrier(carrier);
        } catch (IOException e) {
            vlan.close();
            throw e;
        }
        for (int i = index * VLAN_FIELDS; i < (index + 1) * VLAN_FIELDS; i++) { // no thread uses a free index
            LONGS.setOpaque(vlanTxCounters, i, 0L);
            LONGS.setOpaque(vlanRxCounters, i, 0L);
        }
        TapDevice[] taps = now.taps().clone();
        taps[index] = vlan;
        replaceVlans(set, taps);
    }

    /**
     * Removes the VLAN interface of {@code vid}: its frames go to the team interface, tagged, from now on.
     *
     * @return false when no VLAN interface carries {@code vid}
     */
    public synchronized boolean removeVlan(int vid) {
        Vlans now = vlans;
        int index = now.set().interfaceOf(vid);
        if (index == VlanSet.MAIN) {
            return false;
        }
        TapDevice vlan = now.taps()[index];
        TapDevice[] taps = now.taps().clone();
        taps[index] = null;
        replaceVlans(now.set().without(vid), taps);
        vlan.close();
        return true;
    }

    /** Publishes the VLAN interfaces and waits until both data threads have let go of the old ones. */
    private void replaceVlans(VlanSet set, TapDevice[] taps) {
        long epoch = vlans.epoch() + 1;
        vlans = new Vlans(epoch, set, taps);
        wake(txWake);
        wake(rxWake);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACK_TIMEOUT_MILLIS);
        while ((txVlansSeen < epoch || rxVlansSeen < epoch) && running && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** The VLAN interfaces and their counters now, by VLAN ID; allocates the snapshot, not the data path. */
    public List<VlanCounters> vlans() {
        Vlans now = vlans;
        List<VlanCounters> out = new ArrayList<>();
        for (int vid : now.set().vids()) {
            int index = now.set().interfaceOf(vid);
            int c = index * VLAN_FIELDS;
            out.add(new VlanCounters(vid, now.taps()[index].name(),
                    get(vlanTxCounters, c + VLAN_PACKETS), get(vlanTxCounters, c + VLAN_BYTES),
                    get(vlanRxCounters, c + VLAN_PACKETS), get(vlanRxCounters, c + VLAN_BYTES)));
        }
        return out;
    }

    /**
     * What the member in this slot still holds of our sends, for the flowlet table, with what the transmit batch
     * holds for it yet (the kernel's queue comes first: its frames leave before the batch's); 0 for an empty slot.
     */
    private long queuedBytes(int slot) {
        PacketSocket socket = slots.sockets()[slot];
        return socket == null ? 0 : socket.queuedBytes() + txBatch.pending(slot);
    }

    private void wake(int eventFd) {
        Libc.write(eventFd, wakeValue, 8);
    }

    /** The counters now; allocates the snapshot, not the data path. */
    public DataPathCounters counters() {
        String[] present = new String[MemberMap.MAX_MEMBERS];
        synchronized (this) {
            for (int slot = 0; slot < MemberMap.MAX_MEMBERS; slot++) {
                present[slot] = isolations[slot] == null ? null : isolations[slot].name();
            }
        }
        List<DataPathCounters.Member> members = new ArrayList<>();
        long txPackets = 0;
        long txBytes = 0;
        long rxPackets = 0;
        long rxBytes = 0;
        long notCollecting = 0;
        long queueFull = 0;
        long sendError = 0;
        long malformed = get(txCounters, TEAM_MALFORMED);
        long notPrimary = 0;
        long ownSource = 0;
        long macConflict = 0;
        for (int slot = 0; slot < MemberMap.MAX_MEMBERS; slot++) {
            DataPathCounters.Member m = member(slot, present[slot]);
            txPackets += m.txPackets();
            txBytes += m.txBytes();
            rxPackets += m.rxPackets();
            rxBytes += m.rxBytes();
            notCollecting += m.dropNotCollecting();
            queueFull += m.dropQueueFull();
            sendError += m.dropSendError();
            malformed += m.malformed();
            notPrimary += m.dropNotPrimary();
            ownSource += m.dropOwnSource();
            macConflict += m.macConflict();
            if (present[slot] != null) {
                members.add(m);
            }
        }
        return new DataPathCounters(txPackets, txBytes, rxPackets, rxBytes, notCollecting,
                get(txCounters, TEAM_NO_MEMBER), queueFull, sendError, malformed, notPrimary, ownSource,
                List.copyOf(members), macConflict);
    }

    private DataPathCounters.Member member(int slot, String name) {
        int t = slot * TX_FIELDS;
        int r = slot * RX_FIELDS;
        return new DataPathCounters.Member(slot, name,
                get(txCounters, t + TX_PACKETS), get(txCounters, t + TX_BYTES),
                get(rxCounters, r + RX_PACKETS), get(rxCounters, r + RX_BYTES),
                get(rxCounters, r + RX_NOT_COLLECTING),
                get(txCounters, t + TX_QUEUE_FULL) + get(rxCounters, r + RX_QUEUE_FULL),
                get(txCounters, t + TX_SEND_ERROR) + get(rxCounters, r + RX_SEND_ERROR),
                get(rxCounters, r + RX_MALFORMED), get(rxCounters, r + RX_NOT_PRIMARY),
                get(rxCounters, r + RX_OWN_SOURCE), get(rxCounters, r + RX_MAC_CONFLICT));
    }

    private static long get(long[] counters, int i) {
        return (long) LONGS.getOpaque(counters, i);
    }

    /** Single writer per array: a plain read, an opaque write the snapshot reader sees whole. */
    private static void add(long[] counters, int i, long delta) {
        LONGS.setOpaque(counters, i, counters[i] + delta);
    }

    /**
     * Entries of the transmit thread's poll set: the team interface, the wake-up, then the VLAN interfaces. Each
     * readable TAP gives one frame in turn until all are drained, so a busy one cannot starve the others, and a
     * drained one costs no further read until poll says it is readable again.
     */
    private void transmitLoop() {
        place();
        TransmitBatch batch = txBatch;
        int capacity = batch.frames().capacity();
        int entries = 2 + VlanSet.MAX_VLANS;
        Memory fds = new Memory((long) entries * Libc.POLLFD_SIZE);
        TapDevice[] polled = new TapDevice[entries];
        int[] indexOf = new int[entries];
        boolean[] ready = new boolean[entries];
        pollIn(fds, 0, tap.fd());
        pollIn(fds, 1, txWake);
        polled[0] = tap;
        Memory drain = new Memory(8);
        int count = 2;
        long vlanEpoch = -1;
        ready[0] = true;
        // the first frame after a wait leaves alone at once: a lone frame pays no extra read before its send
        boolean woke = true;
        while (running) {
            Vlans v = vlans;
            if (v.epoch() != vlanEpoch) {
                vlanEpoch = v.epoch();
                count = 2;
                for (int index = 1; index <= VlanSet.MAX_VLANS; index++) {
                    if (v.taps()[index] != null) {
                        pollIn(fds, count, v.taps()[index].fd());
                        polled[count] = v.taps()[index];
                        indexOf[count] = index;
                        ready[count] = true;
                        count++;
                    }
                }
                txVlansSeen = vlanEpoch;
            }
            boolean moved = false;
            for (int i = 0; i < count; i++) {
                if (i == 1 || !ready[i]) {
                    continue;
                }
                // every frame is read after its slot's headroom: a VLAN interface's tag is pushed into it
                Pointer into = batch.frames().packet(batch.size());
                long n = i == 0 ? tap.read(into, capacity) : polled[i].read(into, capacity);
                if (n < 0) {
                    ready[i] = false; // EAGAIN: drained (or the read failed: poll reports it again)
                    continue;
                }
                moved = true;
                // A TAP read is one frame: the clock is read once per read. Reading it once per several frames
                // would make a flow's pause look longer than it was by their sending time, and move it too early.
                long now = clocked ? System.nanoTime() : 0L;
                if (i == 0) {
                    transmit(batch, HEADROOM, (int) n, now);
                } else {
                    transmitVlan(v.set(), indexOf[i], batch, (int) n, now);
                }
                if (woke || batch.full()) {
                    flush(batch);
                    woke = false;
                }
            }
            if (!moved) {
                flush(batch); // the TAPs are drained: what was read leaves now
                txSeen = slots.epoch(); // idle: holds no socket
                Libc.poll(fds, count, -1);
                if (fds.getShort((long) Libc.POLLFD_SIZE + 6) != 0) {
                    Libc.read(txWake, drain, 8);
                }
                for (int i = 0; i < count; i++) {
                    ready[i] = i != 1 && fds.getShort((long) i * Libc.POLLFD_SIZE + 6) != 0;
                }
                woke = true;
            }
        }
    }

    /**
     * A frame the host sent on VLAN interface {@code index}, read into the batch's next slot after its headroom:
     * pushes its tag (the header and MACs move into the headroom, csum_start and hdr_len with them) and takes it
     * as the team interface's frames are taken.
     */
    private void transmitVlan(VlanSet set, int index, TransmitBatch batch, int n, long now) {
        ByteBuffer buffer = batch.frames().buffer();
        int packetAt = batch.frames().packetAt(batch.size());
        int length = n - VnetHeader.LENGTH;
        int tci = set.transmitTci(index);
        if (length < ETHER_HEADER || tci < 0 || VlanTag.insert(buffer, packetAt, VnetHeader.LENGTH, length,
                FrameView.ETHERTYPE_VLAN, tci) != packetAt - HEADROOM) {
            add(txCounters, TEAM_MALFORMED, 1);
            return;
        }
        int c = index * VLAN_FIELDS;
        add(vlanTxCounters, c + VLAN_PACKETS, 1);
        add(vlanTxCounters, c + VLAN_BYTES, length);
        transmit(batch, 0, n + VlanTag.LENGTH, now);
    }

    /**
     * Decides the member of the frame in the batch's next slot, {@code at} octets from the slot's first, and keeps
     * it there for that member; a malformed frame or one no member may take is counted and its slot reused.
     */
    private void transmit(TransmitBatch batch, int at, int n, long now) {
        ByteBuffer buffer = batch.frames().buffer();
        int packetAt = batch.frames().packetAt(batch.size()) - HEADROOM + at;
        int length = n - VnetHeader.LENGTH;
        if (length < ETHER_HEADER || VnetHeader.fixHdrLen(buffer, packetAt, length) < 0) {
            add(txCounters, TEAM_MALFORMED, 1);
            return;
        }
        MemberMap m = map.get();
        int frameAt = packetAt + VnetHeader.LENGTH;
        int slot = independent.transmit(m, distributor.frame(),
                distributor.transmitSlot(m, buffer, frameAt, length, now), buffer, frameAt);
        if (slot == MemberMap.NONE || slots.sockets()[slot] == null) {
            add(txCounters, TEAM_NO_MEMBER, 1);
        } else {
            batch.add(slot, at, n);
        }
    }

    /**
     * Sends what the batch holds: per member, in the order of its first frame, its frames in their order with one
     * sendmmsg, and counts each frame as a send of its own is counted. A send that fails is the failure of its
     * first frame; the rest of the member's frames go on with the next call. Then lets go of the old sockets.
     */
    private void flush(TransmitBatch batch) {
        Slots s = slots;
        PacketBatch frames = batch.frames();
        for (int j = 0; j < batch.members(); j++) {
            int slot = batch.member(j);
            int count = batch.prepare(slot);
            PacketSocket socket = s.sockets()[slot];
            if (socket == null) { // left since its frames were decided
                add(txCounters, TEAM_NO_MEMBER, count);
                continue;
            }
            int c = slot * TX_FIELDS;
            for (int done = 0; done < count; ) {
                int sent = socket.send(frames, done, count - done);
                if (sent > 0) {
                    long octets = 0;
                    for (int k = done; k < done + sent; k++) {
                        octets += batch.messageLength(k) - VnetHeader.LENGTH;
                    }
                    add(txCounters, c + TX_PACKETS, sent);
                    add(txCounters, c + TX_BYTES, octets);
                    if (goneTold.get(slot) != 0) {
                        goneTold.set(slot, 0);
                    }
                    done += sent;
                    continue;
                }
                if (sent == -Libc.ENOBUFS || sent == -Libc.EAGAIN) {
                    add(txCounters, c + TX_QUEUE_FULL, 1);
                } else {
                    add(txCounters, c + TX_SEND_ERROR, 1);
                    socketFailed(slot, socket, -sent);
                }
                done++;
            }
        }
        batch.clear();
        if (s.epoch() != txSeen) {
            txSeen = s.epoch();
        }
    }

    private void receiveLoop() {
        place();
        PacketBatch batch = PacketBatch.forSuperFrames(HEADROOM);
        Memory fds = new Memory((MemberMap.MAX_MEMBERS + 1L) * Libc.POLLFD_SIZE);
        PacketSocket[] polled = new PacketSocket[MemberMap.MAX_MEMBERS + 1];
        int[] slotOf = new int[MemberMap.MAX_MEMBERS + 1];
        Memory drain = new Memory(8);
        int count = 0;
        long epoch = -1;
        while (running) {
            Vlans v = vlans; // held until the next turn, which lets go of it
            rxVlansSeen = v.epoch();
            Slots s = slots;
            if (s.epoch() != epoch) {
                epoch = s.epoch();
                pollIn(fds, 0, rxWake);
                count = 1;
                for (int slot = 0; slot < MemberMap.MAX_MEMBERS; slot++) {
                    PacketSocket socket = s.sockets()[slot];
                    if (socket != null) {
                        pollIn(fds, count, socket.fd());
                        polled[count] = socket;
                        slotOf[count] = slot;
                        count++;
                    }
                }
                rxSeen = epoch;
            }
            if (Libc.poll(fds, count, -1) <= 0) {
                continue;
            }
            if (fds.getShort(6) != 0) {
                Libc.read(rxWake, drain, 8);
                continue; // the sockets may have changed: rebuild before touching them
            }
            for (int i = 1; i < count; i++) {
                if (fds.getShort((long) i * Libc.POLLFD_SIZE + 6) != 0) {
                    receiveFrom(polled[i], slotOf[i], v, batch);
                }
            }
        }
    }

    /** Entry {@code index} of a struct pollfd array: wait for {@code fd} to be readable. */
    private static void pollIn(Memory fds, int index, int fd) {
        long at = (long) index * Libc.POLLFD_SIZE;
        fds.setInt(at, fd);
        fds.setShort(at + 4, Libc.POLLIN);
    }

    private void receiveFrom(PacketSocket socket, int slot, Vlans v, PacketBatch batch) {
        for (int taken = 0; taken < RECEIVE_BATCH; ) {
            int asked = batch.receiveLimit();
            int count = socket.receive(batch);
            if (count < 0) {
                socketFailed(slot, socket, -count);
                return; // EAGAIN: drained (or the socket failed: poll reports it again)
            }
            for (int k = 0; k < count; k++) {
                received(slot, v, batch, k);
            }
            if (count < asked) {
                return; // fewer waited than were asked for: drained
            }
            taken += count;
        }
    }

    /** Frame {@code k} of a batch received on the member in {@code slot}: to its TAP, or counted as dropped. */
    private void received(int slot, Vlans v, PacketBatch batch, int k) {
        int c = slot * RX_FIELDS;
        int n = batch.length(k);
        int length = n - VnetHeader.LENGTH;
        if (n == -Libc.EMSGSIZE || length < ETHER_HEADER) {
            add(rxCounters, c + RX_MALFORMED, 1);
            return;
        }
        ByteBuffer buffer = batch.buffer();
        int packetAt = batch.packetAt(k);
        MemberMap m = map.get();
        // switch-independent: our own frames come back from the switch, counted by the rules below as own_source
        if (m.primary() == MemberMap.NONE && OwnSource.matches(buffer, packetAt + VnetHeader.LENGTH, teamMac, m)) {
            add(rxCounters, c + RX_MAC_CONFLICT, 1);
        }
        if (!m.mayReceive(slot)) {
            add(rxCounters, c + RX_NOT_COLLECTING, 1);
            return;
        }
        int verdict = independent.receive(m, slot, buffer, packetAt + VnetHeader.LENGTH, length);
        if (verdict != SwitchIndependentRules.ACCEPT) {
            add(rxCounters, c + (verdict == SwitchIndependentRules.OWN_SOURCE ? RX_OWN_SOURCE : RX_NOT_PRIMARY), 1);
            return;
        }
        int at = packetAt;
        Pointer from = batch.packet(k);
        int tci = batch.vlanTci(k);
        // the kernel takes a frame's outer tag off before any packet socket sees it (skb_vlan_untag): a
        // claimed tag is always out of band, and the frame as received is already the untagged one
        int vlan = v.set().receiveInterface(batch.vlanTpid(k), tci);
        TapDevice to = vlan == VlanSet.MAIN ? tap : v.taps()[vlan];
        if (tci != PacketSocket.NO_VLAN && vlan == VlanSet.MAIN) {
            // the header and MACs move into the headroom (csum_start and hdr_len with them): the packet
            // starts at the slot's first octet
            at = VlanTag.insert(buffer, packetAt, VnetHeader.LENGTH, length, batch.vlanTpid(k), tci);
            from = batch.start(k);
            length += VlanTag.LENGTH;
        }
        if (at < 0 || VnetHeader.fixHdrLen(buffer, at, length) < 0) {
            add(rxCounters, c + RX_MALFORMED, 1);
            return;
        }
        long written = to.write(from, length + VnetHeader.LENGTH);
        if (written >= 0) {
            add(rxCounters, c + RX_PACKETS, 1);
            add(rxCounters, c + RX_BYTES, length);
            if (vlan != VlanSet.MAIN) {
                add(vlanRxCounters, vlan * VLAN_FIELDS + VLAN_PACKETS, 1);
                add(vlanRxCounters, vlan * VLAN_FIELDS + VLAN_BYTES, length);
            }
        } else if (written == -Libc.EAGAIN || written == -Libc.ENOBUFS) {
            add(rxCounters, c + RX_QUEUE_FULL, 1);
        } else {
            add(rxCounters, c + RX_SEND_ERROR, 1);
        }
    }

    /** Tells {@link #onMemberGone}'s listener of a failure that says the member is gone, once. */
    private void socketFailed(int slot, PacketSocket socket, int errno) {
        if ((errno == Libc.ENETDOWN || errno == Libc.ENXIO || errno == Libc.ENODEV)
                && goneTold.compareAndSet(slot, 0, 1)) {
            memberGone.memberGone(slot, socket.name(), errno);
        }
    }

    /**
     * Stops both threads, gives every member back to the host and removes the team interface.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
        }
        wake(txWake);
        wake(rxWake);
        join(txThread);
        join(rxThread);
        synchronized (this) {
            for (int slot = 0; slot < MemberMap.MAX_MEMBERS; slot++) {
                PacketSocket socket = slots.sockets()[slot];
                if (socket != null) {
                    socket.close();
                    isolations[slot].close();
                    isolations[slot] = null;
                }
            }
            slots = new Slots(slots.epoch() + 1, new PacketSocket[MemberMap.MAX_MEMBERS]);
            for (TapDevice vlan : vlans.taps()) {
                if (vlan != null) {
                    vlan.close();
                }
            }
            vlans = new Vlans(vlans.epoch() + 1, VlanSet.EMPTY, new TapDevice[VlanSet.MAX_VLANS + 1]);
        }
        tap.close();
        Libc.closeQuietly(txWake);
        Libc.closeQuietly(rxWake);
    }

    private static void join(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
