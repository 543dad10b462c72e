package io.lacpd.team.daemon;

/** A configuration the daemon cannot run with; the message is one line that names what is wrong. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line naming the setting and what is wrong with it */
    public ConfigException(String message) {
        super(message);
    }
}
