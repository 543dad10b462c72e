package io.lacpd.team.status;

import io.lacpd.core.ChurnState;
import io.lacpd.core.Duplex;
import io.lacpd.core.FailureReason;
import io.lacpd.core.MuxState;
import io.lacpd.core.PeriodicState;
import io.lacpd.core.PortCounters;
import io.lacpd.core.PortSnapshot;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every failure reason reads as docs/status.md lists it, in the order the core decides them. */
class FailureTextTest {

    private static PortSnapshot port(FailureReason reason, LacpState actorState) {
        PortInfo actor = new PortInfo(32768, PortInfo.NONE.system(), 1, 32768, 1, actorState);
        return new PortSnapshot("eth0", new PortSnapshot.LinkStatus(true, 10_000, Duplex.FULL), false, 0,
                ReceiveState.CURRENT, PeriodicState.FAST_PERIODIC, MuxState.DETACHED, actor, PortInfo.NONE,
                new PortSnapshot.ChurnStatus(ChurnState.NO_ACTOR_CHURN, ChurnState.NO_PARTNER_CHURN, 0, 0),
                new PortCounters(0, 0, 0, 0, 0, 0, 0, 0, 0), reason);
    }

    /** The failure_reason values of docs/status.md's field table, up to the team's own reason after ';'. */
    private static List<String> documented() throws Exception {
        String doc = Files.readString(Path.of("../docs/status.md"));
        Matcher row = Pattern.compile("\\| `failure_reason` \\|[^:]*:([^;]*);").matcher(doc);
        assertTrue(row.find(), "docs/status.md has a failure_reason row");
        List<String> values = new ArrayList<>();
        Matcher value = Pattern.compile("`([^`]+)`").matcher(row.group(1));
        while (value.find()) {
            values.add(value.group(1));
        }
        return values;
    }

    @Test
    void everyReasonIsWordedAsDocumentedInTheCoresOrder() throws Exception {
        LacpState active = LacpState.of(StateBit.LACP_ACTIVITY, StateBit.AGGREGATION);
        LacpState passive = LacpState.of(StateBit.AGGREGATION);
        List<String> worded = new ArrayList<>();
        for (FailureReason reason : FailureReason.values()) {
            worded.add(FailureText.describe(port(reason, active)));
            if (reason == FailureReason.PARTNER_DEFAULTED) {
                worded.add(FailureText.describe(port(reason, passive))); // a Passive port waits to be spoken to
            }
        }
        assertEquals(documented(), worded);
    }

    @Test
    void aDistributingPortHasNoReason() {
        assertNull(FailureText.describe(port(null, LacpState.of(StateBit.LACP_ACTIVITY, StateBit.DISTRIBUTING))));
    }
}
