package io.lacpd.team.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.lacpd.transport.linux.Libc;

import java.util.BitSet;

/**
 * The CPUs a team's data threads run on ({@code data-cpus}), written as the kernel writes CPU lists
 * ({@code 0}, {@code 2-3}, {@code 0,2-3}); {@link #ANY} leaves the choice to the scheduler. A data thread is woken
 * once per frame that starts an exchange; the kernel wakes it on an idle CPU where it can, and on a virtual machine
 * whose idle vCPUs halt, that wake-up waits for the hypervisor. Data threads on the CPU that wakes them (the one
 * taking the members' interrupts, or here the partner's threads) hand over without it (docs/benchmarks.md,
 * "Round-trip time"). Immutable.
 */
public final class CpuAffinity {

    /** CPUs a list may name: 0 to {@value} - 1, glibc's cpu_set_t. */
    public static final int MAX_CPUS = 1024;

    /** No affinity set: the threads run wherever the process may. */
    public static final CpuAffinity ANY = new CpuAffinity(new BitSet());

    private static final int MASK_BYTES = MAX_CPUS / 8;

    private final BitSet cpus;

    private CpuAffinity(BitSet cpus) {
        this.cpus = cpus;
    }

    /**
     * Reads a CPU list: CPU numbers and ranges {@code A-B}, comma separated.
     *
     * @throws IllegalArgumentException naming what is wrong, for an empty list, a range backwards or a CPU out of
     *                                  0..{@value #MAX_CPUS} - 1
     */
    public static CpuAffinity parse(String list) {
        BitSet set = new BitSet();
        for (String part : list.strip().split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int first = cpu(dash < 0 ? p : p.substring(0, dash), list);
            int last = dash < 0 ? first : cpu(p.substring(dash + 1), list);
            if (last < first) {
                throw new IllegalArgumentException("'" + list + "': the range " + p + " runs backwards");
            }
            set.set(first, last + 1);
        }
        return new CpuAffinity(set);
    }

    private static int cpu(String s, String list) {
        String v = s.strip();
        if (!v.matches("\\d{1,4}") || Integer.parseInt(v) >= MAX_CPUS) {
            throw new IllegalArgumentException("'" + list + "' (expected: CPU numbers 0.." + (MAX_CPUS - 1)
                    + " and ranges like 0-3, comma separated)");
        }
        return Integer.parseInt(v);
    }

    /** The CPUs the calling thread may run on now. */
    public static CpuAffinity ofCallingThread() {
        Memory mask = new Memory(MASK_BYTES);
        mask.clear();
        Libc.sched_getaffinity(0, MASK_BYTES, mask);
        return new CpuAffinity(BitSet.valueOf(mask.getByteArray(0, MASK_BYTES)));
    }

    /** Whether no CPU is named: the scheduler chooses. */
    public boolean isAny() {
        return cpus.isEmpty();
    }

    /** The CPUs named here that are not in {@code allowed}, {@link #ANY} when there are none. */
    public CpuAffinity outside(CpuAffinity allowed) {
        BitSet rest = (BitSet) cpus.clone();
        rest.andNot(allowed.cpus);
        return new CpuAffinity(rest);
    }

    /**
     * Binds the calling thread to these CPUs; nothing with {@link #ANY}.
     *
     * @throws LastErrorException when the kernel refuses (a CPU offline or outside the process's cpuset)
     */
    public void applyToCallingThread() {
        if (isAny()) {
            return;
        }
        Memory mask = new Memory(MASK_BYTES);
        mask.clear();
        byte[] octets = cpus.toByteArray();
        mask.write(0, octets, 0, octets.length);
        Libc.sched_setaffinity(0, MASK_BYTES, mask);
    }

    /** The kernel's list form, {@code 0,2-3}; {@code any} for {@link #ANY}. */
    @Override
    public String toString() {
        if (isAny()) {
            return "any";
        }
        StringBuilder b = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; first = cpus.nextSetBit(first + 1)) {
            int last = cpus.nextClearBit(first) - 1;
            b.append(b.length() == 0 ? "" : ",").append(first);
            if (last > first) {
                b.append('-').append(last);
            }
            first = last;
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuAffinity other && cpus.equals(other.cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }
}
