package io.lacpd.team.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lacpd.core.Duplex;
import io.lacpd.core.LacpEvent;
import io.lacpd.core.LacpSystem;
import io.lacpd.core.PortConfig;
import io.lacpd.core.ReceiveState;
import io.lacpd.core.SystemConfig;
import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.Lacpdu;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.SlowProtocolCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A partner claiming the null system, a multicast system or port 0 is accepted, and flagged. */
class OddPartnerTest {

    private static final LacpState ACTIVE_AGGREGATING = new LacpState(0x05);

    @Test
    void eachOddityIsNamed() {
        assertEquals(List.of("null system", "port 0"),
                OddPartner.of(new PortInfo(32768, MacAddress.ZERO, 1, 32768, 0, ACTIVE_AGGREGATING)));
        assertEquals(List.of("multicast system"),
                OddPartner.of(new PortInfo(32768, MacAddress.parse("01:00:5e:00:00:01"), 1, 32768, 3, ACTIVE_AGGREGATING)));
        assertEquals(List.of(),
                OddPartner.of(new PortInfo(32768, MacAddress.parse("02:00:00:00:00:0b"), 1, 32768, 1, ACTIVE_AGGREGATING)));
    }

    @Test
    void aPartnerWithTheNullSystemAndPort0IsAcceptedAndFlaggedInStatusAndLog() throws Exception {
        List<LacpEvent> events = new ArrayList<>();
        LacpSystem a = new LacpSystem(SystemConfig.of(MacAddress.parse("02:00:00:00:00:0a")), (port, frame) -> true,
                events::add);
        a.addPort(PortConfig.of("eth1", 1), MacAddress.parse("02:00:00:00:00:a1"), 0);
        a.addPort(PortConfig.of("eth2", 2), MacAddress.parse("02:00:00:00:00:a2"), 0);
        a.linkUp("eth1", 1000, Duplex.FULL, 0);
        a.linkUp("eth2", 1000, Duplex.FULL, 0);
        PortInfo odd = new PortInfo(32768, MacAddress.ZERO, 1, 32768, 0, ACTIVE_AGGREGATING);
        ByteBuf frame = Unpooled.buffer();
        SlowProtocolCodec.encodeLacpdu(frame, MacAddress.parse("02:00:00:00:00:b1"),
                new Lacpdu(Lacpdu.VERSION_1, odd, PortInfo.NONE, 0));
        a.advance(4_500_000_000L); // both hear nothing: defaulted, with the zero administrative partner
        a.receive("eth1", frame, 4_500_000_000L);
        a.advance(5_000_000_000L);

        assertEquals(ReceiveState.CURRENT, a.snapshot().port("eth1").receiveState(), "accepted");
        assertEquals(ReceiveState.DEFAULTED, a.snapshot().port("eth2").receiveState());
        TeamStatus status = new TeamStatus("team0", "lacp", a.snapshot());
        String text = StatusText.render(List.of(status));
        assertTrue(text.contains("    odd partner: null system, port 0 (accepted, as 802.1AX allows)\n"), text);
        assertEquals(1, text.split("odd partner", -1).length - 1, "a defaulted partner is not flagged: " + text);
        JsonNode ports = new ObjectMapper().readTree(StatusJson.render(List.of(status))).get("teams").get(0).get("ports");
        assertEquals("[\"null system\",\"port 0\"]", ports.get(0).get("partner_odd").toString());
        assertEquals("[]", ports.get(1).get("partner_odd").toString());
        List<String> lines = events.stream().filter(e -> e instanceof LacpEvent.PartnerChanged)
                .map(EventText::describe).toList();
        assertEquals(List.of("eth1: partner changed to system 32768,00:00:00:00:00:00 key 1 port 32768,0"
                + " (odd partner: null system, port 0; accepted, as 802.1AX allows)"), lines);
    }
}
