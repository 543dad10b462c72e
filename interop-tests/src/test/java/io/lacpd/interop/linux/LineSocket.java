package io.lacpd.interop.linux;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A line-oriented client of a unix socket that QEMU serves (a serial port or QMP). A daemon thread
 * reads lines into a queue, so every wait has a deadline.
 */
final class LineSocket implements AutoCloseable {

    private final SocketChannel channel;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private LineSocket(SocketChannel channel, String name) {
        this.channel = channel;
        Thread reader = new Thread(this::readLoop, name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects, retrying while QEMU has not made the socket yet or while the process is alive. */
    static LineSocket connect(Path path, String name, Process owner, long timeoutMillis)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        IOException last = null;
        while (System.nanoTime() - end < 0) {
            if (!owner.isAlive()) {
                throw new IOException(name + ": QEMU exited with " + owner.exitValue() + " before " + path + " was served");
            }
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(path));
                return new LineSocket(ch, name);
            } catch (IOException e) {
                ch.close();
                last = e;
                Thread.sleep(10);
            }
        }
        throw new IOException(name + ": cannot connect to " + path, last);
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        StringBuilder line = new StringBuilder();
        try {
            while (channel.read(buf) >= 0) {
                buf.flip();
                String chunk = StandardCharsets.UTF_8.decode(buf).toString();
                buf.clear();
                for (int i = 0; i < chunk.length(); i++) {
                    char c = chunk.charAt(i);
                    if (c == '\n') {
                        lines.add(line.toString());
                        line.setLength(0);
                    } else if (c != '\r') {
                        line.append(c);
                    }
                }
            }
        } catch (IOException e) {
            if (!closed) {
                lines.add("@@closed " + e.getMessage());
            }
        }
        lines.add("@@closed");
    }

    void send(String text) throws IOException {
        ByteBuffer out = StandardCharsets.UTF_8.encode(text);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** The next line, or null when none came before the deadline (System.nanoTime based). */
    String poll(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        return left <= 0 ? lines.poll() : lines.poll(left, TimeUnit.NANOSECONDS);
    }

    void drain() {
        lines.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }
}
