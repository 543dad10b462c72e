package io.lacpd.team.daemon;

/**
 * The daemon lacks a privilege it needs (CAP_NET_RAW to capture and send on the members): not a setting to
 * correct but a way to run it. The message is one line saying what to do.
 */
public final class MissingCapabilityException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line naming what needs the privilege and how to get it */
    public MissingCapabilityException(String message) {
        super(message);
    }
}
