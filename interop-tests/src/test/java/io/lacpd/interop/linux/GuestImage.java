package io.lacpd.interop.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Linux bonding peer's boot files, built once and cached by {@code linux-guest/build-guest}:
 * Debian 12's cloud kernel and a busybox initramfs with virtio-net, bonding and {@code linux-guest/init}.
 */
public record GuestImage(Path vmlinux, Path initrd, String kernelRelease, String packageVersion, long buildNanos) {

    private static GuestImage built;

    /** Builds the image (a download and an initramfs the first time, a cache check after) or returns it. */
    public static synchronized GuestImage get() throws IOException, InterruptedException {
        if (built == null) {
            Path script = moduleDir().resolve("linux-guest/build-guest");
            long start = System.nanoTime();
            // timeout(1): a download that hangs fails the run instead of stalling it
            Process p = new ProcessBuilder("timeout", "300", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(script + " failed:\n" + out);
            }
            List<String> lines = out.strip().lines().toList();
            for (String line : lines.subList(0, lines.size() - 1)) {
                System.out.println(line);
            }
            Path dir = Path.of(lines.get(lines.size() - 1));
            // the file itself, not the link a later build may move
            built = new GuestImage(dir.resolve("vmlinux"), dir.resolve("initrd.gz").toRealPath(),
                    Files.readString(dir.resolve("kernel-release")).strip(),
                    Files.readString(dir.resolve("kernel-version")).strip(), System.nanoTime() - start);
            System.out.printf("interop-linux: guest kernel %s (Debian %s), image ready in %.1f s%n",
                    built.kernelRelease, built.packageVersion, built.buildNanos / 1e9);
        }
        return built;
    }

    /** interop-tests/, where surefire runs; also found from the repository root. */
    static Path moduleDir() {
        Path base = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        if (Files.isDirectory(base.resolve("linux-guest"))) {
            return base;
        }
        return base.resolve("interop-tests");
    }
}
