package io.lacpd.team.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names the process {@code lacpd} for {@code pgrep -x lacpd}, {@code top} and {@code pidof}: the JVM's process is
 * called "java". /proc/self/comm is the thread-group leader's name, which any thread of the process may set; the
 * launchers set argv[0] as well ({@code exec -a lacpd}), which pidof and ps read.
 */
final class ProcessName {

    private ProcessName() {
    }

    /** Sets the process' name; where /proc cannot be written the process keeps the JVM's. */
    static void set(String name) {
        try {
            Files.writeString(Path.of("/proc/self/comm"), name);
        } catch (IOException e) {
            // no procfs, or a read-only one: only the name tools show is lost
        }
    }
}
