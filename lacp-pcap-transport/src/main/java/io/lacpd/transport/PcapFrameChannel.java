package io.lacpd.transport;

import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.netty.buffer.ByteBuf;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.packet.namednumber.DataLinkType;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link FrameChannel} on a Linux Ethernet interface through libpcap (pcap4j), one pcap handle for both
 * directions.
 *
 * <p>What it asks of libpcap, and why:
 * <ul>
 *   <li>no promiscuous mode: Slow_Protocols_Multicast is put in the interface's multicast filter instead
 *       ({@link MulticastMembership}). A veth receives every frame anyway, but a receiver that filters
 *       multicast (a real NIC; a macvlan shows it in tests) drops LACPDUs unless told the address, and
 *       promiscuous mode would make it accept all unicast traffic for other hosts as well;</li>
 *   <li>the kernel BPF filter {@code ether proto 0x8809 or ether dst 01:80:c2:00:00:02}, so only
 *       slow-protocol frames reach user space, and the frames of another EtherType sent to the Slow Protocols
 *       address, which the MIB counts as unknown;</li>
 *   <li>direction IN: frames sent on the interface, by this channel or anything else on this host, are not
 *       delivered;</li>
 *   <li>immediate mode, so each frame is delivered as it arrives rather than when a buffer block fills.</li>
 * </ul>
 *
 * <p>The capture thread (a daemon named {@code capture-<interface>}) survives errors: it counts them and goes
 * on. When the interface disappears it stops for good and {@link #send} returns false; close the channel, and
 * open a new one once the interface is back. Frames are captured up to a little more than the longest a Slow
 * Protocols PDU may fill ({@link SlowProtocolCodec#MAX_FRAME_LENGTH}): a longer frame is delivered truncated but
 * still longer than that, so that it shows as too long rather than as a cut-off PDU.
 */
public final class PcapFrameChannel implements FrameChannel {

    /**
     * Octets of each frame captured: more than the longest legal one, so that a longer one is seen as such. The
     * margin is there because libpcap's ring may cut a frame an octet or so short of the length asked for.
     */
    static final int SNAPLEN = SlowProtocolCodec.MAX_FRAME_LENGTH + 18;
    private static final String FILTER = "ether proto 0x8809 or ether dst 01:80:c2:00:00:02";
    /**
     * libpcap 1.10 on Linux does not return on this timeout in immediate mode; it bounds the delay where
     * immediate mode is unavailable. close() does not depend on it: breakLoop() wakes a blocked read.
     */
    private static final int READ_TIMEOUT_MILLIS = 100;
    /**
     * The ring holds only filtered frames, a few a second, about 40 of the snap length; libpcap's 2 MiB default
     * would pin memory per port.
     */
    private static final int BUFFER_SIZE = 64 * 1024;
    /** A pause after a capture error, so that an error repeating at once cannot spin a core. */
    private static final long ERROR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final int ifindex;
    private final PcapHandle handle;
    private final MulticastMembership membership;
    private final Consumer<byte[]> onFrame;
    private final Thread captureThread;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicLong receiveErrors = new AtomicLong();
    private final AtomicLong consumerErrors = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private volatile boolean closed;
    private long kernelDropped;
    private volatile boolean capturing = true;

    private PcapFrameChannel(String name, int ifindex, PcapHandle handle, MulticastMembership membership,
                             Consumer<byte[]> onFrame) {
        this.name = name;
        this.ifindex = ifindex;
        this.handle = handle;
        this.membership = membership;
        this.onFrame = onFrame;
        this.captureThread = new Thread(this::capture, "capture-" + name);
        captureThread.setDaemon(true);
        // A flood on one port keeps its capture thread busy: below the loop, which must keep every other port's
        // LACPDUs on time (the JVM maps priorities to nice values with -XX:ThreadPriorityPolicy=1, as root)
        captureThread.setPriority(Thread.MIN_PRIORITY);
    }

    /**
     * The opener of this transport: {@link #open(String, Consumer)}. It finds libpcap first, so that a
     * machine without it is told at once rather than at each interface's opening.
     *
     * @throws IOException when no libpcap is installed
     */
    public static FrameChannel.Opener opener() throws IOException {
        Libpcap.configure();
        return PcapFrameChannel::open;
    }

    /**
     * Opens a channel on an Ethernet interface and starts its capture thread. Needs CAP_NET_RAW. The interface
     * must be administratively up (libpcap refuses one that is down); it need not have a carrier.
     *
     * @param onFrame called on the capture thread with each received frame (a fresh array the consumer owns);
     *                it must not block, since {@link #close()} waits for a call in progress
     * @throws IOException with a one-line reason naming the interface: no such interface, not Ethernet, down,
     *                     no permission; or that libpcap is not installed
     */
    public static PcapFrameChannel open(String interfaceName, Consumer<byte[]> onFrame) throws IOException {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(onFrame, "onFrame");
        int type = Sysfs.intAttribute(interfaceName, "type");
        if (type != RtnetlinkParser.ARPHRD_ETHER) {
            throw new IOException(interfaceName + " is not an Ethernet interface (ARPHRD type " + type
                    + "): LACP runs on Ethernet only");
        }
        int ifindex = Sysfs.intAttribute(interfaceName, "ifindex");
        Libpcap.configure(); // before pcap4j loads its native bindings
        PcapHandle handle = openHandle(interfaceName);
        MulticastMembership membership;
        try {
            if (!DataLinkType.EN10MB.equals(handle.getDlt())) {
                throw new IOException(interfaceName + " captures as " + handle.getDlt()
                        + ", not as Ethernet: LACP runs on Ethernet only");
            }
            handle.setFilter(FILTER, BpfCompileMode.OPTIMIZE);
            membership = MulticastMembership.join(interfaceName, ifindex, MacAddress.SLOW_PROTOCOLS_MULTICAST);
        } catch (PcapNativeException | NotOpenException e) {
            handle.close();
            throw new IOException("cannot filter frames on " + interfaceName + ": " + e.getMessage());
        } catch (IOException e) {
            handle.close();
            throw e;
        }
        PcapFrameChannel channel = new PcapFrameChannel(interfaceName, ifindex, handle, membership, onFrame);
        channel.captureThread.start();
        return channel;
    }

    private static PcapHandle openHandle(String interfaceName) throws IOException {
        try {
            return new PcapHandle.Builder(interfaceName)
                    .snaplen(SNAPLEN)
                    .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MILLIS)
                    .bufferSize(BUFFER_SIZE)
                    .immediateMode(true)
                    .direction(PcapDirection.IN)
                    .build();
        } catch (PcapNativeException e) {
            throw new IOException("cannot capture on " + interfaceName + ": " + e.getMessage());
        } catch (LinkageError e) {
            // pcap4j's bindings fail in a static initializer; the reason is in the cause
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot load libpcap (" + System.getProperty(Libpcap.LIBRARY_PROPERTY)
                    + ") to capture on " + interfaceName + ": " + reason);
        }
    }

    @Override
    public String interfaceName() {
        return name;
    }

    /**
     * Sends the readable bytes of {@code frame}, leaving its indexes alone. Safe to call from any thread.
     *
     * @return false when the channel is closed or has stopped capturing, or the kernel refused the frame (the
     *         interface is down or gone); true when the kernel took it, which does not mean it left: on an
     *         interface without carrier the kernel drops it, counting it in tx_dropped
     */
    @Override
    public boolean send(ByteBuf frame) {
        if (closed || !capturing) {
            sendFailures.incrementAndGet();
            return false;
        }
        byte[] bytes = new byte[frame.readableBytes()];
        frame.getBytes(frame.readerIndex(), bytes);
        try {
            // alongside the capture thread's read: on Linux libpcap sends with send(2) on the socket whose
            // ring that thread reads, and the two share nothing but the error text
            handle.sendPacket(bytes);
            return true;
        } catch (PcapNativeException | NotOpenException e) {
            sendFailures.incrementAndGet();
            return false;
        }
    }

    /**
     * libpcap's count of frames the kernel dropped for this capture (its ring was full); read on the caller's
     * thread alongside the capture's, as {@link #send} is. The last count when libpcap cannot tell.
     */
    @Override
    public long kernelDropped() {
        if (!closed) {
            try {
                kernelDropped = handle.getStats().getNumPacketsDropped();
            } catch (PcapNativeException | NotOpenException e) {
                // closed meanwhile, or the interface went: the last count stands
            }
        }
        return kernelDropped;
    }

    /**
     * Stops the capture thread and releases the interface. Waits for a delivery in progress to return, so that
     * none follows; may be called from the consumer itself, and more than once.
     */
    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() != captureThread) {
            try {
                handle.breakLoop(); // wakes the capture thread out of poll(2)
            } catch (NotOpenException e) {
                // already released by another close()
            }
            LockSupport.unpark(captureThread);
            ThreadedLinkMonitor.joinUninterruptibly(captureThread);
        }
        release();
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            handle.close();
            membership.close();
        }
    }

    /** False once closed, or once the interface this channel was opened on has disappeared. */
    @Override
    public boolean isCapturing() {
        return capturing && !closed;
    }

    /** Errors libpcap reported while capturing. */
    long receiveErrors() {
        return receiveErrors.get();
    }

    /** Exceptions the consumer threw; each frame after one is still delivered. */
    long consumerErrors() {
        return consumerErrors.get();
    }

    /** Calls of {@link #send} that returned false. */
    long sendFailures() {
        return sendFailures.get();
    }

    private void capture() {
        while (!closed) {
            byte[] frame;
            try {
                // pcap4j copies the frame out of libpcap's ring into a new array: it is the consumer's
                frame = handle.getNextRawPacketEx();
            } catch (TimeoutException | EOFException e) {
                continue; // the read timed out, or close() broke it: look at closed again
            } catch (NotOpenException e) {
                break;
            } catch (PcapNativeException | RuntimeException e) {
                receiveErrors.incrementAndGet();
                if (!interfaceStillThere()) {
                    break;
                }
                LockSupport.parkNanos(ERROR_BACKOFF_NANOS);
                continue;
            }
            if (closed) {
                break;
            }
            try {
                onFrame.accept(frame);
            } catch (RuntimeException e) {
                consumerErrors.incrementAndGet();
            }
        }
        capturing = false;
    }

    /** True while an interface of our name exists with the index we opened: a new one is not ours. */
    private boolean interfaceStillThere() {
        try {
            return Sysfs.intAttribute(name, "ifindex") == ifindex;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "PcapFrameChannel[" + name + (isCapturing() ? "" : ", stopped") + "]";
    }
}
