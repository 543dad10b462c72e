package io.lacpd.transport;

import io.netty.buffer.ByteBuf;

import java.util.function.Consumer;

/**
 * Slow-protocol frame I/O on one network interface: receives every frame with EtherType 0x8809 or sent to the
 * Slow Protocols address, and sends whole Ethernet frames. One capture thread per channel delivers frames to
 * the consumer given at opening.
 */
public interface FrameChannel extends AutoCloseable {

    /** The interface this channel is open on. */
    String interfaceName();

    /**
     * Sends one whole Ethernet frame (no FCS) between the buffer's reader and writer indexes. The indexes are
     * left alone and the buffer is not used after the call returns.
     *
     * @return false when the interface refused it (down, gone, queue full); never throws for that
     */
    boolean send(ByteBuf frame);

    /**
     * False once the channel stopped capturing on its own (closed, the interface gone, or the capture failed):
     * its owner opens a new one.
     */
    default boolean isCapturing() {
        return true;
    }

    /**
     * Frames for this channel that the kernel dropped before its capture read them (its buffer was full), since
     * the channel opened. It may cost a system call: call it from one thread, now and then, not per frame.
     */
    default long kernelDropped() {
        return 0;
    }

    /**
     * Stops the capture thread and releases the interface; no frames are delivered after it returns. Closing
     * again does nothing.
     */
    @Override
    void close();

    /** Opens channels; the transport's entry point. */
    interface Opener {
        /**
         * Opens a channel on an interface, capturing the frames of EtherType 0x8809, or to the Slow Protocols
         * address, that arrive on it; frames sent on it, by this channel or anything else on the host, are not
         * delivered.
         *
         * @param onFrame called on the capture thread with each received frame; the array is the consumer's
         * @throws java.io.IOException with a one-line reason naming the interface when it cannot be opened
         */
        FrameChannel open(String interfaceName, Consumer<byte[]> onFrame) throws java.io.IOException;
    }
}
