package io.lacpd.team.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of lacpd and lacpctl, as the build wrote it ({@code --version}, the status' {@code daemon}). */
public final class Version {

    private static final String VERSION = read();

    private Version() {
    }

    /** The project's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/io/lacpd/team/version.properties")) {
            if (in == null) {
                throw new IllegalStateException("the build writes io/lacpd/team/version.properties");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("reading the version from the class path", e);
        }
    }
}
