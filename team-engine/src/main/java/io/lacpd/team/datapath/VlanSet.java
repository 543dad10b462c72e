package io.lacpd.team.datapath;

import java.util.Arrays;

/**
 * The team's VLAN interfaces as the data path reads them for every frame: which VLAN ID each interface carries,
 * by interface index ({@value #MAIN} is the untagged team interface, 1.. the VLAN ones). Immutable; the control
 * thread publishes a new one through one atomic reference and the data threads read it without locks. Lookups
 * allocate nothing.
 *
 * <p>The per-frame decisions live here: a frame received with an 802.1Q tag whose VLAN a VLAN interface claims
 * goes to that interface untagged; every other frame goes to the untagged interface as it arrived, so, as with
 * Windows' default team interface, tags no interface claims pass through tagged. A frame the host sends on a VLAN
 * interface leaves with that VLAN's tag, priority 0: the host's priority for the frame is not known to us (it
 * would travel in the skb, not in the frame), and 0 is what an untagged sender gets from a switch's access port.
 */
public final class VlanSet {

    /** The untagged team interface's index. */
    public static final int MAIN = 0;
    /** VLAN interfaces per team at most. */
    public static final int MAX_VLANS = 64;
    /** The lowest VLAN ID an interface may carry (0 means priority-tagged, untagged). */
    public static final int MIN_VID = 1;
    /** The highest (4095 is reserved). */
    public static final int MAX_VID = 4094;

    private static final int VID_MASK = 0x0fff;

    /** No VLAN interface. */
    public static final VlanSet EMPTY = new VlanSet(new byte[VID_MASK + 1], new short[MAX_VLANS + 1]);

    private final byte[] interfaceOfVid;
    private final short[] vidOfInterface;

    private VlanSet(byte[] interfaceOfVid, short[] vidOfInterface) {
        this.interfaceOfVid = interfaceOfVid;
        this.vidOfInterface = vidOfInterface;
    }

    /** Whether {@code vid} is one a VLAN interface may carry: {@value #MIN_VID}..{@value #MAX_VID}. */
    public static boolean validVid(int vid) {
        return vid >= MIN_VID && vid <= MAX_VID;
    }

    /**
     * This set and VLAN {@code vid} on interface {@code index}.
     *
     * @throws IllegalArgumentException when the VID is out of range or taken, or the index out of range or taken
     */
    public VlanSet with(int vid, int index) {
        if (!validVid(vid)) {
            throw new IllegalArgumentException("VLAN " + vid + " out of range (expected: " + MIN_VID + ".." + MAX_VID + ")");
        }
        if (index <= MAIN || index > MAX_VLANS) {
            throw new IllegalArgumentException("index " + index + " out of range (expected: 1.." + MAX_VLANS + ")");
        }
        if (interfaceOfVid[vid] != MAIN) {
            throw new IllegalArgumentException("VLAN " + vid + " has an interface already");
        }
        if (vidOfInterface[index] != 0) {
            throw new IllegalArgumentException("index " + index + " carries VLAN " + vidOfInterface[index]);
        }
        byte[] byVid = interfaceOfVid.clone();
        short[] byIndex = vidOfInterface.clone();
        byVid[vid] = (byte) index;
        byIndex[index] = (short) vid;
        return new VlanSet(byVid, byIndex);
    }

    /** This set without VLAN {@code vid}; this very set when no interface carries it. */
    public VlanSet without(int vid) {
        int index = validVid(vid) ? interfaceOfVid[vid] : MAIN;
        if (index == MAIN) {
            return this;
        }
        byte[] byVid = interfaceOfVid.clone();
        short[] byIndex = vidOfInterface.clone();
        byVid[vid] = MAIN;
        byIndex[index] = 0;
        return new VlanSet(byVid, byIndex);
    }

    /** The index of the interface carrying {@code vid}, or {@link #MAIN} when none claims it. */
    public int interfaceOf(int vid) {
        return vid < 0 || vid > VID_MASK ? MAIN : interfaceOfVid[vid];
    }

    /** The VLAN ID interface {@code index} carries, or 0 when the index is free (or {@link #MAIN}). */
    public int vidOf(int index) {
        return index <= MAIN || index > MAX_VLANS ? 0 : vidOfInterface[index];
    }

    /** The lowest free interface index, or -1 when {@value #MAX_VLANS} are in use. */
    public int freeIndex() {
        for (int i = 1; i <= MAX_VLANS; i++) {
            if (vidOfInterface[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The VLAN interfaces' count. */
    public int size() {
        int n = 0;
        for (int i = 1; i <= MAX_VLANS; i++) {
            if (vidOfInterface[i] != 0) {
                n++;
            }
        }
        return n;
    }

    /** The VLAN IDs carried, in increasing order. */
    public int[] vids() {
        int[] out = new int[size()];
        int n = 0;
        for (int i = 1; i <= MAX_VLANS; i++) {
            if (vidOfInterface[i] != 0) {
                out[n++] = vidOfInterface[i];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * Which interface a received frame goes to, from the tag the kernel took off it: a VLAN interface's index
     * when the tag is 802.1Q and its VLAN is claimed (the frame then goes untagged), else {@link #MAIN} (the
     * frame goes with its tag, if any, put back). An 802.1ad (0x88a8) outer tag is a provider's, not ours to
     * strip.
     *
     * @param tpid the tag's TPID
     * @param tci  the tag's TCI, or a negative value for a frame that arrived untagged
     */
    public int receiveInterface(int tpid, int tci) {
        if (tci < 0 || tpid != FrameView.ETHERTYPE_VLAN) {
            return MAIN;
        }
        return interfaceOfVid[tci & VID_MASK];
    }

    /**
     * The TCI a frame the host sent on interface {@code index} leaves with: the VLAN ID, priority and DEI 0;
     * -1 for {@link #MAIN} or a free index (the frame leaves as it is).
     */
    public int transmitTci(int index) {
        int vid = vidOf(index);
        return vid == 0 ? -1 : vid;
    }
}
