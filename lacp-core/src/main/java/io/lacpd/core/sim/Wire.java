package io.lacpd.core.sim;

/** A point-to-point link between two ports of a {@link VirtualNetwork}. */
public final class Wire {

    /** Frame counts of one direction; sent = delivered + dropped + still in flight. */
    public static final class Direction {
        long sent;
        long delivered;
        long dropped;
        boolean blocked;

        public long sent() {
            return sent;
        }

        public long delivered() {
            return delivered;
        }

        public long dropped() {
            return dropped;
        }
    }

    private final VirtualNetwork network;
    final String systemA;
    final String portA;
    final String systemB;
    final String portB;
    final Direction aToB = new Direction();
    final Direction bToA = new Direction();
    boolean up;
    double loss;
    long delay;

    Wire(VirtualNetwork network, String systemA, String portA, String systemB, String portB) {
        this.network = network;
        this.systemA = systemA;
        this.portA = portA;
        this.systemB = systemB;
        this.portB = portB;
    }

    /** Carrier on or off at both ends, as when a cable is pulled or plugged. */
    public void setUp(boolean newUp) {
        if (up == newUp) {
            return;
        }
        up = newUp;
        network.linkChanged(systemA, portA, newUp);
        network.linkChanged(systemB, portB, newUp);
    }

    public boolean isUp() {
        return up;
    }

    /** Each frame is lost with this probability, 0..1. */
    public void setLoss(double probability) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("loss probability " + probability + " (expected: 0..1)");
        }
        loss = probability;
    }

    /** Frames take between half and one and a half times this long, in nanoseconds. */
    public void setDelay(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative delay " + nanos);
        }
        delay = nanos;
    }

    /** Silently drops what the given end sends, carrier staying up: a partner gone silent on this link. */
    public void blockFrom(String system, boolean blocked) {
        from(system).blocked = blocked;
    }

    /** The counts of frames sent by the given end. */
    public Direction from(String system) {
        if (system.equals(systemA)) {
            return aToB;
        }
        if (system.equals(systemB)) {
            return bToA;
        }
        throw new IllegalArgumentException("system " + system + " is not on this wire");
    }
}
