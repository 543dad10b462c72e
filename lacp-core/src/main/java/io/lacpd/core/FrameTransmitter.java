package io.lacpd.core;

import io.netty.buffer.ByteBuf;

/** Where a {@link LacpSystem} sends frames: the transport of the port named. */
@FunctionalInterface
public interface FrameTransmitter {

    /**
     * Sends one whole Ethernet frame (no FCS) on a port. The buffer is only valid during the call.
     *
     * @return false when the frame could not be handed to the port; the system then tries again later
     */
    boolean transmit(String port, ByteBuf frame);

    /**
     * When the frame last handed over by {@link #transmit} went out, the call having begun at {@code began}:
     * the Transmit machine's limit counts from it. By default {@code began}; a transport whose sends can be
     * late (a busy thread, a collector pause, slow logging before the send) reads its clock after the send.
     */
    default long sentAt(long began) {
        return began;
    }
}
