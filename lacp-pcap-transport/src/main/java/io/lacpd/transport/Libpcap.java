package io.lacpd.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the system's libpcap for pcap4j. pcap4j loads the library named by the system property
 * {@value #LIBRARY_PROPERTY} ("pcap" when unset), but Debian's libpcap0.8 ships only {@code libpcap.so.0.8}:
 * the unversioned {@code libpcap.so} comes with libpcap-dev. So the property is pointed at the shared
 * object itself, found among the places distributions install it.
 */
final class Libpcap {

    /** The system property pcap4j reads, once, when its native bindings are first used. */
    static final String LIBRARY_PROPERTY = "org.pcap4j.core.pcapLibName";

    /** Debian's soname, upstream's soname, then the development symlink. */
    private static final List<String> FILE_NAMES = List.of("libpcap.so.0.8", "libpcap.so.1", "libpcap.so");

    /** Debian multiarch directories by the JVM's os.arch; a library of another architecture would not load. */
    private static final Map<String, List<String>> MULTIARCH = Map.of(
            "amd64", List.of("x86_64-linux-gnu"),
            "x86_64", List.of("x86_64-linux-gnu"),
            "aarch64", List.of("aarch64-linux-gnu"),
            "arm", List.of("arm-linux-gnueabihf", "arm-linux-gnueabi"),
            "i386", List.of("i386-linux-gnu"),
            "x86", List.of("i386-linux-gnu"),
            "ppc64le", List.of("powerpc64le-linux-gnu"),
            "s390x", List.of("s390x-linux-gnu"),
            "riscv64", List.of("riscv64-linux-gnu"),
            "mips64el", List.of("mips64el-linux-gnuabi64"));

    private Libpcap() {
    }

    /**
     * Sets {@value #LIBRARY_PROPERTY} unless it is set already. Must run before any pcap4j class is
     * initialized: pcap4j reads the property only then.
     *
     * @throws IOException when no libpcap is installed
     */
    static synchronized void configure() throws IOException {
        String name = libraryName(System.getProperty(LIBRARY_PROPERTY), Path.of("/"),
                System.getProperty("os.arch"), System.getProperty("sun.arch.data.model"));
        System.setProperty(LIBRARY_PROPERTY, name);
    }

    /**
     * The library pcap4j should load: {@code configured} when not null, else the first candidate that exists
     * under {@code root}.
     *
     * @param dataModel "64" for a 64-bit JVM, which may also use the lib64 directories of non-Debian systems
     * @throws IOException when there is no candidate
     */
    static String libraryName(String configured, Path root, String osArch, String dataModel) throws IOException {
        if (configured != null) {
            return configured;
        }
        return locate(root, osArch, dataModel)
                .map(Path::toString)
                .orElseThrow(() -> new IOException("libpcap not found: install the Debian package libpcap0.8"));
    }

    /** The first existing candidate under {@code root} (a regular file, or a symbolic link to one). */
    static Optional<Path> locate(Path root, String osArch, String dataModel) {
        for (String directory : directories(osArch, dataModel)) {
            for (String file : FILE_NAMES) {
                Path candidate = root.resolve(directory).resolve(file);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> directories(String osArch, String dataModel) {
        List<String> directories = new ArrayList<>();
        for (String triplet : MULTIARCH.getOrDefault(osArch, List.of())) {
            directories.add("usr/lib/" + triplet);
            directories.add("lib/" + triplet);
        }
        if ("64".equals(dataModel)) {
            directories.add("usr/lib64");
            directories.add("lib64");
        }
        directories.add("usr/lib");
        directories.add("lib");
        directories.add("usr/local/lib");
        return directories;
    }
}
