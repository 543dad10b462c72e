package io.lacpd.team;

import io.lacpd.core.AggregatorSnapshot;
import io.lacpd.core.LacpActivity;
import io.lacpd.core.LacpTimeout;
import io.lacpd.core.PortConfig;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.SystemSnapshot;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.core.sim.VirtualNetwork;
import io.lacpd.core.sim.Wire;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.mode.TeamingMode;
import io.lacpd.team.status.StatusJson;
import io.lacpd.team.status.TeamStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link Team} follows its LACP system through minutes of random faults. A has four ports wired to B's four;
 * C is another partner. Each step flaps a link, makes one lossy, changes the key of one of B's ports (a second
 * LAG on A), moves a port of A to C or home again, and runs the network for a while. Each team is fed only the
 * events of its system and the links, as the daemon feeds it; after every step its answer must be what the
 * system's snapshot says: a member transmits iff it distributes in the active aggregator (the one with the most
 * distributing ports, ties the lowest id), receives iff it collects there, and only transmitting members own
 * buckets, balanced within one. Its status must render as that of a team that follows the snapshot itself.
 */
class TeamSoakTest {

    private static final long MS = 1_000_000L;
    private static final long MINUTE = 60_000 * MS;
    private static final int PORTS = 4;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void theTeamSaysWhatTheLacpSystemSaysAfterEveryStep(long seed) {
        Random rnd = new Random(seed);
        VirtualNetwork net = new VirtualNetwork(seed);
        Map<String, Team> teams = new LinkedHashMap<>();
        Map<String, List<String>> portsOf = Map.of("A", names("a"), "B", names("b"), "C", List.of("c1", "c2"));
        ArrayDeque<String> trail = new ArrayDeque<>();
        for (String s : List.of("A", "B", "C")) {
            Team team = new Team(TeamingMode.LACP, Team.activeMembers(portsOf.get(s)), 0);
            teams.put(s, team);
            net.addSystem(s, SystemConfig.of(new MacAddress(0x02_00_00_00_00_0AL + s.charAt(0))),
                    event -> team.onLacpEvent(event, net.now()));
            for (int i = 0; i < portsOf.get(s).size(); i++) {
                net.addPort(s, PortConfig.of(portsOf.get(s).get(i), i + 1));
            }
        }
        for (int i = 1; i <= PORTS; i++) {
            net.connect("A", "a" + i, "B", "b" + i);
        }
        Map<String, Integer> moves = new TreeMap<>();
        Map<String, Integer> seen = new TreeMap<>();
        int steps = 0;
        while (net.now() < 10 * MINUTE) {
            String step = step(rnd, net);
            moves.merge(step.substring(0, step.indexOf(' ')), 1, Integer::sum);
            trail.addLast(String.format("%.3f %s", net.now() / 1e9, step));
            if (trail.size() > 30) {
                trail.removeFirst();
            }
            feedLinks(net, teams, portsOf);
            net.runFor((20 + rnd.nextInt(600)) * MS);
            for (String s : teams.keySet()) {
                try {
                    check(s, net.system(s).snapshot(), teams.get(s).state());
                    for (MemberStatus m : teams.get(s).state().members()) {
                        seen.merge(m.reason().name(), 1, Integer::sum);
                    }
                    seen.merge(teams.get(s).state().health().name(), 1, Integer::sum);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + ", system " + s + ", last steps:\n"
                            + String.join("\n", trail), e);
                }
            }
            steps++;
        }
        assertTrue(steps > 1000, "steps " + steps);
        assertTrue(moves.keySet().containsAll(List.of("flap", "loss", "key", "move")), moves.toString());
        assertTrue(seen.keySet().containsAll(List.of("UP", "DEGRADED", "DOWN", "NO_FAILURE", "LINK_DOWN",
                "LACP_NEGOTIATION", "OTHER_AGGREGATOR")), seen.toString());
        System.out.println("team soak seed " + seed + ": " + steps + " steps; " + moves + "; seen " + seen);
    }

    private static List<String> names(String prefix) {
        return List.of(prefix + 1, prefix + 2, prefix + 3, prefix + 4);
    }

    /** One random change to the network. */
    private static String step(Random rnd, VirtualNetwork net) {
        int i = 1 + rnd.nextInt(PORTS);
        Wire w = net.wireAt("A", "a" + i);
        switch (rnd.nextInt(6)) {
            case 0, 1 -> {
                if (w == null) {
                    return "flap none: a" + i + " is unplugged";
                }
                w.setUp(!w.isUp());
                return "flap a" + i + (w.isUp() ? " up" : " down");
            }
            case 2 -> {
                if (w == null) {
                    return "loss none: a" + i + " is unplugged";
                }
                double loss = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.3;
                w.setLoss(loss);
                return String.format("loss a%d %.2f", i, loss);
            }
            case 3 -> {
                int key = 1 + rnd.nextInt(2);
                net.system("B").reconfigurePort(new PortConfig("b" + i, i, PortConfig.DEFAULT_PORT_PRIORITY, key,
                        LacpActivity.ACTIVE, LacpTimeout.SHORT, true), net.now());
                return "key b" + i + " " + key;
            }
            case 4 -> {
                if (w != null && i <= 2) {
                    net.disconnect(w);
                    Wire home = net.wireAt("B", "b" + i);
                    if (home == null && net.wireAt("C", "c" + i) == null) {
                        net.connect("A", "a" + i, "C", "c" + i);
                        return "move a" + i + " to c" + i;
                    }
                    return "move a" + i + " unplugged";
                }
                if (w != null) {
                    return "move none: a" + i + " stays";
                }
                Wire atC = net.wireAt("C", "c" + i);
                if (atC != null) {
                    net.disconnect(atC);
                }
                net.connect("A", "a" + i, "B", "b" + i);
                return "move a" + i + " home";
            }
            default -> {
                return "wait a while";
            }
        }
    }

    /** What a link monitor would report: each port's carrier. */
    private static void feedLinks(VirtualNetwork net, Map<String, Team> teams, Map<String, List<String>> portsOf) {
        teams.forEach((s, team) -> {
            for (String p : portsOf.get(s)) {
                Wire w = net.wireAt(s, p);
                team.onLink(p, w != null && w.isUp(), MacAddress.ZERO, net.now());
            }
        });
    }

    private static void check(String system, SystemSnapshot snap, TeamState team) {
        int active = 0;
        int most = 0;
        Map<String, Integer> attached = new HashMap<>();
        for (AggregatorSnapshot a : snap.aggregators()) { // by ascending id
            if (a.distributingPorts().size() > most) {
                most = a.distributingPorts().size();
                active = a.id();
            }
            a.attachedPorts().forEach(p -> attached.put(p, a.id()));
        }
        assertEquals(active, team.activeAggregator(), "active aggregator; " + snap.aggregators());
        MemberMap map = team.map();
        int transmitting = 0;
        for (PortSnapshot p : snap.ports()) {
            MemberStatus m = team.member(p.name());
            boolean inActive = active != 0 && attached.getOrDefault(p.name(), 0) == active;
            boolean transmit = inActive && p.distributing();
            boolean receive = inActive && p.actor().state().has(StateBit.COLLECTING);
            assertEquals(transmit, map.mayTransmit(m.slot()), p.name() + " transmit; " + p);
            assertEquals(receive, map.mayReceive(m.slot()), p.name() + " receive; " + p);
            assertEquals(p.link().up(), m.linkUp(), p.name() + " link");
            transmitting += transmit ? 1 : 0;
        }
        assertEquals(transmitting == 0 ? TeamHealth.DOWN : transmitting == snap.ports().size() ? TeamHealth.UP
                : TeamHealth.DEGRADED, team.health());
        int min = MemberMap.BUCKETS;
        int max = 0;
        for (int b = 0; b < MemberMap.BUCKETS; b++) {
            int owner = map.bucketOwner(b);
            assertTrue(transmitting == 0 ? owner == MemberMap.NONE : map.mayTransmit(owner),
                    "bucket " + b + " owned by " + owner);
        }
        for (MemberStatus m : team.members()) {
            if (m.transmit()) {
                min = Math.min(min, map.bucketsOf(m.slot()));
                max = Math.max(max, map.bucketsOf(m.slot()));
            }
        }
        assertTrue(transmitting == 0 || max - min <= 1, "buckets from " + min + " to " + max);
        assertEquals(StatusJson.render(List.of(new TeamStatus(system, "lacp", snap))),
                StatusJson.render(List.of(new TeamStatus(system, team, snap))), "status from the events");
    }
}
