package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.lacpd.team.NetnsLab.allDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No half-dead daemon: a thread killed by the error a full heap raises ends lacpd at once with status 70,
 * after telling its partners when its event loop still can; a wedged loop does not hold up SIGTERM. Two lacpd
 * in namespaces, A started with the test-only faults; needs root.
 */
class FatalErrorTest {

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    private Process converge() throws Exception {
        lab = new NetnsLab(2);
        Process a = lab.startDaemonWithFaults("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        lab.await("B", allDistributing(2), 5_000);
        return a;
    }

    /** Sends a fault request; the daemon may die before it answers. */
    private void provoke(String fault) {
        try {
            LacpCtl.exchange(lab.socket("A"), "test-fault " + fault, TimeUnit.SECONDS.toNanos(2));
        } catch (java.io.IOException e) {
            // cut off by the exit
        }
    }

    private static long millisToExit(Process p, long since) throws InterruptedException {
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "lacpd exited");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    @Test
    void aDeadControlThreadEndsTheDaemonAfterItTellsThePartners() throws Exception {
        Process a = converge();
        long start = System.nanoTime();
        provoke("control");
        long exited = millisToExit(a, start);
        lab.await("B", team -> !NetnsLab.distributing(team.get("ports").get(0))
                && !NetnsLab.distributing(team.get("ports").get(1)), 2_000);
        System.out.printf("control thread killed: exit %d after %d ms; the partner stopped distributing by %d ms%n",
                a.exitValue(), exited, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertEquals(FatalHandler.EXIT_INTERNAL_ERROR, a.exitValue());
        assertTrue(exited < 3_000, "at once, a farewell at most: " + exited + " ms");
        String log = lab.readLog("A");
        assertTrue(log.contains("lacpd[tA] internal error: a thread died or the heap is exhausted; exiting\n"), log);
        assertTrue(log.contains("exiting: partners told"), log);
        assertEquals("partner not in sync", lab.port("B", "eth1").get("failure_reason").asText(), "told, not timed out");
    }

    @Test
    void aDeadEventLoopEndsTheDaemonAtOnce() throws Exception {
        Process a = converge();
        long start = System.nanoTime();
        provoke("loop");
        long exited = millisToExit(a, start);
        System.out.printf("event loop killed: exit %d after %d ms%n", a.exitValue(), exited);
        assertEquals(FatalHandler.EXIT_INTERNAL_ERROR, a.exitValue());
        assertTrue(exited < 1_000, "at once: " + exited + " ms");
        assertTrue(lab.readLog("A").contains("internal error in thread lacp-loop: java.lang.OutOfMemoryError"),
                lab.readLog("A"));
        // the socket lock went with the process: a new daemon can start at once
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.await("B", allDistributing(2), 15_000);
    }

    @Test
    void sigtermEndsADaemonWhoseLoopIsWedged() throws Exception {
        Process a = converge();
        provoke("stall");
        Thread.sleep(200);
        long start = System.nanoTime();
        a.destroy(); // SIGTERM
        long exited = millisToExit(a, start);
        System.out.printf("wedged loop: SIGTERM ended it after %d ms (exit %d)%n", exited, a.exitValue());
        assertTrue(exited < 5_000, "bounded by the farewell wait and two seconds: " + exited + " ms");
    }
}
