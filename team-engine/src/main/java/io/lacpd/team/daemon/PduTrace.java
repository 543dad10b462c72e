package io.lacpd.team.daemon;

import io.lacpd.team.status.PduText;
import io.lacpd.transport.FrameChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** {@code log-level debug}: every LACPDU and Marker a member sends and receives, in the log. */
final class PduTrace {

    private PduTrace() {
    }

    /** The opener itself unless the log writes debug lines; else one whose channels log each frame both ways. */
    static FrameChannel.Opener opener(FrameChannel.Opener inner, Log log) {
        if (!log.enabled(Log.Level.DEBUG)) {
            return inner;
        }
        return (name, onFrame) -> {
            FrameChannel channel = inner.open(name, frame -> {
                log.debug(name + ": rx", () -> name + ": rx " + PduText.describe(Unpooled.wrappedBuffer(frame)));
                onFrame.accept(frame);
            });
            return new FrameChannel() {
                @Override
                public String interfaceName() {
                    return channel.interfaceName();
                }

                @Override
                public boolean send(ByteBuf frame) {
                    boolean sent = channel.send(frame);
                    log.debug(name + ": tx",
                            () -> name + ": tx " + PduText.describe(frame) + (sent ? "" : " (refused)"));
                    return sent;
                }

                @Override
                public void close() {
                    channel.close();
                }
            };
        };
    }
}
