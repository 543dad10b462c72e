package io.lacpd.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding libpcap in fake root file systems laid out as distributions install it. */
class LibpcapTest {

    @TempDir
    Path root;

    private Path install(String path) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }

    @Test
    void debianAmd64WithOnlyLibpcap08() throws IOException {
        Path library = install("usr/lib/x86_64-linux-gnu/libpcap.so.1.10.3");
        Files.createSymbolicLink(library.resolveSibling("libpcap.so.0.8"), library.getFileName());

        assertEquals(Optional.of(root.resolve("usr/lib/x86_64-linux-gnu/libpcap.so.0.8")),
                Libpcap.locate(root, "amd64", "64"));
    }

    @Test
    void debianArm64() throws IOException {
        install("usr/lib/aarch64-linux-gnu/libpcap.so.0.8");

        assertEquals(Optional.of(root.resolve("usr/lib/aarch64-linux-gnu/libpcap.so.0.8")),
                Libpcap.locate(root, "aarch64", "64"));
    }

    @Test
    void libraryOfAnotherArchitectureIsNotTaken() throws IOException {
        install("usr/lib/i386-linux-gnu/libpcap.so.0.8");

        assertEquals(Optional.empty(), Libpcap.locate(root, "amd64", "64"));
    }

    @Test
    void ownArchitectureBeforeOthers() throws IOException {
        install("usr/lib/libpcap.so.1");
        install("lib/x86_64-linux-gnu/libpcap.so.0.8");

        assertEquals(Optional.of(root.resolve("lib/x86_64-linux-gnu/libpcap.so.0.8")),
                Libpcap.locate(root, "amd64", "64"));
    }

    @Test
    void fedoraLib64OnlyForA64BitJvm() throws IOException {
        install("usr/lib64/libpcap.so.1");

        assertEquals(Optional.of(root.resolve("usr/lib64/libpcap.so.1")), Libpcap.locate(root, "amd64", "64"));
        assertEquals(Optional.empty(), Libpcap.locate(root, "x86", "32"));
    }

    @Test
    void danglingSymlinkIsNoLibrary() throws IOException {
        Path directory = Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
        Files.createSymbolicLink(directory.resolve("libpcap.so.0.8"), Path.of("libpcap.so.1.10.3"));

        assertEquals(Optional.empty(), Libpcap.locate(root, "amd64", "64"));
    }

    @Test
    void propertyAlreadySetWins() throws IOException {
        install("usr/lib/x86_64-linux-gnu/libpcap.so.0.8");

        assertEquals("/opt/pcap/libpcap.so", Libpcap.libraryName("/opt/pcap/libpcap.so", root, "amd64", "64"));
    }

    @Test
    void foundLibraryIsNamedByPath() throws IOException {
        install("usr/lib/x86_64-linux-gnu/libpcap.so.0.8");

        assertEquals(root.resolve("usr/lib/x86_64-linux-gnu/libpcap.so.0.8").toString(),
                Libpcap.libraryName(null, root, "amd64", "64"));
    }

    @Test
    void noLibraryTellsWhatToInstall() {
        IOException e = assertThrows(IOException.class, () -> Libpcap.libraryName(null, root, "amd64", "64"));

        assertEquals("libpcap not found: install the Debian package libpcap0.8", e.getMessage());
    }
}
