package io.lacpd.team.daemon;

import io.lacpd.team.NetnsLab;
import io.lacpd.team.control.LacpCtl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.lacpd.team.NetnsLab.allDistributing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lacpctl capture} against two lacpd processes in two network namespaces: the file it writes is read by
 * tshark and holds LACPDUs both ways. Needs root and tshark; builds and removes its own namespaces.
 */
class CaptureTest {

    private NetnsLab lab;

    @AfterEach
    void cleanUp() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void theCaptureHoldsTheLacpdusBothWaysForTshark() throws Exception {
        lab = new NetnsLab(2);
        lab.startDaemon("A", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0a");
        lab.startDaemon("B", "--ports", "eth1,eth2", "--system-mac", "02:00:00:00:00:0b");
        lab.await("A", allDistributing(2), 15_000);
        Path all = lab.dir.resolve("all.pcap");
        long began = System.nanoTime();
        String out = capture(all);
        long took = System.nanoTime() - began;
        assertTrue(out.matches("\\d+ frames written to " + all + "\n"), out);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(all)));
        assertEquals(Set.of("02:00:00:00:00:0a", "02:00:00:00:00:0b"), lacp(all, "lacp.actor.sysid"),
                "LACPDUs sent (our system) and received (the partner's)");
        int frames = Integer.parseInt(out.substring(0, out.indexOf(' ')));
        assertEquals(frames, NetnsLab.runChecked("tshark", "-r", all.toString()).lines().count());
        System.out.printf("capture: %d frames, %d octets, lacpctl took %d ms%n", frames, Files.size(all), took / 1_000_000);
        String expert = NetnsLab.run("tshark", "-r", all.toString(), "-T", "fields", "-e", "_ws.expert.message");
        assertEquals("", expert.strip(), "tshark finds nothing wrong in the PDUs");

        // one member: sent frames have its MAC as source, received ones the partner port's
        Path eth1 = lab.dir.resolve("eth1.pcap");
        capture(eth1, "eth1");
        assertEquals(Set.of(mac("A"), mac("B")), lacp(eth1, "eth.src"));
    }

    private String capture(Path file, String... member) throws Exception {
        List<String> args = new ArrayList<>(List.of("--socket", lab.socket("A").toString(), "capture", "team0"));
        args.addAll(List.of(member));
        args.addAll(List.of("-w", file.toString()));
        return LacpCtl.run(args);
    }

    /** The distinct values of a field in the file's LACPDUs. */
    private static Set<String> lacp(Path file, String field) throws Exception {
        return NetnsLab.runChecked("tshark", "-r", file.toString(), "-Y", "lacp", "-T", "fields", "-e", field)
                .lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toSet());
    }

    /** The MAC of eth1 on that side. */
    private String mac(String side) throws Exception {
        return NetnsLab.runChecked("ip", "-n", lab.ns(side), "-br", "link", "show", "eth1").strip().split("\\s+")[2];
    }
}
