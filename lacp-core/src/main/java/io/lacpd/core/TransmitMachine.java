package io.lacpd.core;

import io.lacpd.core.pdu.Lacpdu;

/**
 * Transmit machine, 802.1AX-2014 6.4.16: sends a LACPDU when NTT is set, never more than
 * {@value ProtocolConstants#MAX_TX_PER_FAST_PERIODIC_TIME} in any Fast_Periodic_Time. NTT is cleared only
 * when the frame was handed over; a delayed or failed send keeps NTT and asks to be run again.
 */
final class TransmitMachine {

    /** Ours, not the standard's: how soon to retry after the transport refused a frame. */
    static final long RETRY_AFTER_FAILURE = ProtocolConstants.FAST_PERIODIC_TIME / 10;

    private final AggregationPort port;
    private final PortVariables v;
    private final SendWindow window =
            new SendWindow(ProtocolConstants.MAX_TX_PER_FAST_PERIODIC_TIME, ProtocolConstants.FAST_PERIODIC_TIME);
    /** When a held-back NTT may next be tried, valid while {@link #waiting}. */
    private long retryAt;
    private boolean waiting;

    TransmitMachine(AggregationPort port) {
        this.port = port;
        this.v = port.vars;
    }

    void step(long now) {
        waiting = false;
        if (!v.ntt || v.silent()) {
            return;
        }
        if (window.full(now)) {
            waiting = true;
            retryAt = window.nextFree();
            return;
        }
        Lacpdu pdu = new Lacpdu(Lacpdu.VERSION_1, port.actorInfo(), v.partnerOper, port.collectorMaxDelay());
        if (port.transmitLacpdu(pdu)) {
            v.ntt = false;
            // the limit counts from the real send: a send that began late must not let a fourth out too soon
            window.record(port.system.sentAt(now));
        } else {
            waiting = true;
            retryAt = now + RETRY_AFTER_FAILURE;
        }
    }

    /** True when NTT is held back and {@link #retryAt()} says when to try again. */
    boolean waiting() {
        return waiting;
    }

    long retryAt() {
        return retryAt;
    }
}
