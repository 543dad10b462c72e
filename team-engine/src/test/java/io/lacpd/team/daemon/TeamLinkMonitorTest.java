package io.lacpd.team.daemon;

import io.lacpd.core.Duplex;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.transport.LinkMonitor;
import io.lacpd.transport.LinkState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member's data socket said the member is gone: what the runtime and the team hear of it. */
class TeamLinkMonitorTest {

    private static final MacAddress MAC = MacAddress.parse("02:00:00:aa:00:01");

    /** The kernel as the test sets it; the monitor's own reports are not needed here. */
    private static final class Kernel implements LinkMonitor {
        final Map<String, LinkState> links = new HashMap<>();

        @Override
        public LinkState read(String name) {
            return links.getOrDefault(name, LinkState.absent(name));
        }

        @Override
        public void start(Set<String> names, Consumer<LinkState> listener, Consumer<String> notices) {
        }

        @Override
        public void watch(Set<String> names) {
        }

        @Override
        public void close() {
        }
    }

    private final Kernel kernel = new Kernel();
    private final TeamLinkMonitor links = new TeamLinkMonitor(kernel);
    private final List<LinkState> runtime = new ArrayList<>();
    private final List<LinkState> team = new ArrayList<>();

    @BeforeEach
    void started() {
        links.forwardTo(team::add);
        links.start(Set.of("eth1"), runtime::add, notice -> { });
    }

    private static LinkState eth1(boolean up) {
        return new LinkState("eth1", 11, true, true, up, 10_000, Duplex.FULL, 1500, MAC);
    }

    @Test
    void aMemberTheKernelHasDownLeavesAtOnceAsOnACarrierLoss() {
        kernel.links.put("eth1", eth1(false));
        assertTrue(links.memberGone("eth1"));
        assertEquals(List.of(eth1(false)), runtime, "the LACP runtime takes the link down");
        assertEquals(List.of(eth1(false)), team, "and the team the member out of the map");
    }

    @Test
    void aDeletedMemberLeavesAsDeleted() {
        assertTrue(links.memberGone("eth1"));
        assertEquals(List.of(LinkState.absent("eth1")), runtime);
        assertEquals(List.of(LinkState.absent("eth1")), team);
    }

    @Test
    void aFailureTheKernelDoesNotConfirmChangesNothing() {
        kernel.links.put("eth1", eth1(true));
        assertFalse(links.memberGone("eth1"));
        assertEquals(List.of(), runtime);
        assertEquals(List.of(), team);
    }
}
