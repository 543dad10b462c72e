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
}
