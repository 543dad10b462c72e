package io.lacpd.transport;

import io.lacpd.core.Duplex;
import io.lacpd.core.pdu.MacAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads an interface's state from {@code /sys/class/net/NAME}: the synchronous {@link LinkMonitor#read},
 * the polling fallback, and the speed and duplex that rtnetlink does not carry.
 */
final class Sysfs {

    private static final Path NET = Path.of("/sys/class/net");
    /** IFNAMSIZ less the terminating NUL. */
    private static final int MAX_NAME_LENGTH = 15;

    private Sysfs() {
    }

    /** The state of an interface now; {@link LinkState#absent} when there is none by that name. */
    static LinkState read(String name) {
        Path dir = dir(name);
        if (dir == null) {
            return LinkState.absent(name);
        }
        try {
            int index = Integer.parseInt(text(dir, "ifindex"));
            int type = Integer.parseInt(text(dir, "type"));
            // "flags" holds dev->flags only: IFF_LOWER_UP is "carrier", which is unreadable while down.
            int flags = Long.decode(text(dir, "flags")).intValue();
            int mtu = Integer.parseInt(text(dir, "mtu"));
            MacAddress mac = mac(text(dir, "address"));
            boolean carrier = "1".equals(optionalText(dir, "carrier"));
            int operstate = Math.max(RtnetlinkParser.IF_OPER_UNKNOWN,
                    RtnetlinkParser.OPERSTATES.indexOf(optionalText(dir, "operstate")));
            boolean up = RtnetlinkParser.carriesTraffic((flags & RtnetlinkParser.IFF_UP) != 0, carrier, operstate);
            return new LinkState(name, index, true, type == RtnetlinkParser.ARPHRD_ETHER, up, speedMbps(dir),
                    duplex(dir), mtu, mac);
        } catch (IOException | NumberFormatException e) {
            // Deleted while we read it, or an entry of /sys/class/net that is no interface.
            return LinkState.absent(name);
        }
    }

    /**
     * The carrier files of some interfaces, each kept open and read again from its start: one read a poll, where
     * opening the file each time would cost four calls and a few objects (sysfs gives the value anew at offset 0).
     */
    static final class Carriers implements AutoCloseable {

        private final Map<String, FileChannel> open = new HashMap<>();
        private final ByteBuffer value = ByteBuffer.allocate(8);

        /** Whether the interface has carrier now: false when it is down, or gone. */
        boolean has(String name) {
            try {
                FileChannel f = open.get(name);
                if (f == null) {
                    Path dir = dir(name);
                    if (dir == null) {
                        return false;
                    }
                    f = FileChannel.open(dir.resolve("carrier"), StandardOpenOption.READ);
                    open.put(name, f);
                }
                value.clear();
                return f.read(value, 0) > 0 && value.get(0) == '1';
            } catch (IOException e) {
                // EINVAL while administratively down; ENODEV once deleted (a new one of the name needs a new file)
                closeQuietly(open.remove(name));
                return false;
            }
        }

        /** Closes the files of interfaces no longer among {@code names}. */
        void retain(Set<String> names) {
            open.entrySet().removeIf(e -> {
                if (!names.contains(e.getKey())) {
                    closeQuietly(e.getValue());
                    return true;
                }
                return false;
            });
        }

        @Override
        public void close() {
            open.values().forEach(Carriers::closeQuietly);
            open.clear();
        }

        private static void closeQuietly(FileChannel f) {
            if (f != null) {
                try {
                    f.close();
                } catch (IOException e) {
                    // nothing left to release
                }
            }
        }
    }

    /** Link speed in Mb/s; 0 when unknown, as while the link is down (the file then reads -1 or fails). */
    static int speedMbps(String name) {
        Path dir = dir(name);
        return dir == null ? 0 : speedMbps(dir);
    }

    /** Link duplex; unknown when the kernel does not know it, as while the link is down. */
    static Duplex duplex(String name) {
        Path dir = dir(name);
        return dir == null ? Duplex.UNKNOWN : duplex(dir);
    }

    /** For {@link #read}, which has the interface's directory already: no second check of the name. */
    private static int speedMbps(Path dir) {
        String text = optionalText(dir, "speed");
        try {
            return text == null ? 0 : Math.max(0, Integer.parseInt(text));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Duplex duplex(Path dir) {
        String text = optionalText(dir, "duplex");
        if ("full".equals(text)) {
            return Duplex.FULL;
        }
        return "half".equals(text) ? Duplex.HALF : Duplex.UNKNOWN;
    }

    /** An integer attribute of an interface, such as "ifindex" or "type". */
    static int intAttribute(String name, String attribute) throws IOException {
        Path dir = dir(name);
        try {
            if (dir != null) {
                return Integer.parseInt(text(dir, attribute));
            }
        } catch (NoSuchFileException e) {
            // deleted, or never there: the same as a name no interface can have
        } catch (NumberFormatException e) {
            throw new IOException("cannot read the " + attribute + " of " + name + ": " + e.getMessage());
        }
        throw new IOException("no such network interface: " + name);
    }

    /** The interface's directory, or null for a name no interface can have (and that could leave the tree). */
    private static Path dir(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            return null;
        }
        return NET.resolve(name);
    }

    private static String text(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file)).trim();
    }

    /** Files the kernel refuses to read in some states (EINVAL while down): null then. */
    private static String optionalText(Path dir, String file) {
        try {
            return text(dir, file);
        } catch (IOException e) {
            return null;
        }
    }

    /** Non-Ethernet interfaces print addresses of other lengths, or none: those are not MACs. */
    private static MacAddress mac(String text) {
        try {
            return MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return MacAddress.ZERO;
        }
    }
}
