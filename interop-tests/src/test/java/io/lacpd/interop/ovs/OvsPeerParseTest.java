package io.lacpd.interop.ovs;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsers of OvsPeer on output recorded from Open vSwitch 3.1.0 (needs neither root nor OVS). */
class OvsPeerParseTest {

    static final String LACP_SHOW = """
            ---- bond0 ----
              status: active negotiated
              sys_id: 02:00:00:00:00:0b
              sys_priority: 100
              aggregation key: 7
              lacp_time: fast

            member: eth1: current attached
              port_id: 11
              port_priority: 200
              may_enable: true

              actor sys_id: 02:00:00:00:00:0b
              actor sys_priority: 100
              actor port_id: 11
              actor port_priority: 200
              actor key: 7
              actor state: activity timeout aggregation synchronized collecting distributing

              partner sys_id: 02:00:00:00:00:0a
              partner sys_priority: 32768
              partner port_id: 1
              partner port_priority: 32768
              partner key: 1
              partner state: activity timeout aggregation synchronized collecting distributing

            member: eth2: expired attached
              port_id: 12
              port_priority: 200
              may_enable: false

              actor sys_id: 02:00:00:00:00:0b
              actor sys_priority: 100
              actor port_id: 12
              actor port_priority: 200
              actor key: 7
              actor state: activity timeout aggregation synchronized collecting distributing expired

              partner sys_id: 00:00:00:00:00:00
              partner sys_priority: 0
              partner port_id: 0
              partner port_priority: 0
              partner key: 0
              partner state: timeout
            """;

    @Test
    void lacpShowGivesEachMembersStatusAndBothSidesInformation() {
        OvsPeer.LacpShow show = OvsPeer.parseLacpShow(LACP_SHOW);
        assertEquals("bond0", show.bond());
        assertTrue(show.active());
        assertTrue(show.negotiated());
        assertEquals("02:00:00:00:00:0b", show.sysId());
        assertEquals(100, show.sysPriority());
        assertEquals("7", show.key());
        assertEquals("fast", show.lacpTime());
        assertEquals(List.of("eth1", "eth2"), List.copyOf(show.members().keySet()));

        OvsPeer.Member eth1 = show.member("eth1");
        assertTrue(eth1.carrying());
        assertEquals(new OvsPeer.Info("02:00:00:00:00:0b", 100, 11, 200, 7,
                Set.of("activity", "timeout", "aggregation", "synchronized", "collecting", "distributing")), eth1.actor());
        assertEquals(new OvsPeer.Info("02:00:00:00:00:0a", 32768, 1, 32768, 1,
                Set.of("activity", "timeout", "aggregation", "synchronized", "collecting", "distributing")), eth1.partner());

        OvsPeer.Member eth2 = show.member("eth2");
        assertEquals("expired", eth2.status());
        assertTrue(eth2.attached());
        assertFalse(eth2.mayEnable());
        assertFalse(eth2.carrying());
        assertEquals(Set.of("timeout"), eth2.partner().state());
        assertTrue(eth2.actor().state().contains("expired"));
    }

    @Test
    void passiveAndDetachedAreRead() {
        OvsPeer.LacpShow show = OvsPeer.parseLacpShow(LACP_SHOW.replace("status: active negotiated", "status: passive")
                .replace("member: eth1: current attached", "member: eth1: defaulted detached")
                .replace("partner state: timeout", "partner state:"));
        assertFalse(show.active());
        assertFalse(show.negotiated());
        assertEquals("defaulted", show.member("eth1").status());
        assertFalse(show.member("eth1").attached());
        assertEquals(Set.of(), show.member("eth2").partner().state());
    }

    @Test
    void statsArePerMember() {
        Map<String, OvsPeer.Stats> stats = OvsPeer.parseStats("""
                ---- bond0 statistics ----

                member: eth1:
                  TX PDUs: 8
                  RX PDUs: 6
                  RX Bad PDUs: 0
                  RX Marker Request PDUs: 0
                  Link Expired: 0
                  Link Defaulted: 1
                  Carrier Status Changed: 0

                member: eth2:
                  TX PDUs: 9
                  RX PDUs: 7
                  RX Bad PDUs: 1
                  RX Marker Request PDUs: 2
                  Link Expired: 3
                  Link Defaulted: 4
                  Carrier Status Changed: 5
                """);
        assertEquals(new OvsPeer.Stats(8, 6, 0, 0, 0, 1, 0), stats.get("eth1"));
        assertEquals(new OvsPeer.Stats(9, 7, 1, 2, 3, 4, 5), stats.get("eth2"));
    }

    @Test
    void bondShowSaysWhichMembersTheBondUses() {
        Map<String, OvsPeer.BondMember> members = OvsPeer.parseBondShow("""
                ---- bond0 ----
                bond_mode: balance-tcp
                bond may use recirculation: yes, Recirc-ID : 1
                bond-hash-basis: 0
                lb_output action: disabled, bond-id: -1
                updelay: 0 ms
                downdelay: 0 ms
                next rebalance: 8986 ms
                lacp_status: negotiated
                lacp_fallback_ab: false
                active-backup primary: <none>
                active member mac: 02:00:00:0b:00:01(eth1)

                member eth1: enabled
                  active member
                  may_enable: true

                member eth2: disabled
                  may_enable: false
                """);
        assertEquals(Map.of("eth1", new OvsPeer.BondMember("eth1", true, true),
                "eth2", new OvsPeer.BondMember("eth2", false, false)), members);
    }

    @Test
    void fdbShowGivesEachLearnedMacItsPort() {
        Map<String, String> fdb = OvsPeer.parseFdb("""
                 port  VLAN  MAC                Age
                    1     0  02:00:00:0a:00:01    0
                LOCAL     0  8e:cd:5b:9e:b8:42    0
                """);
        assertEquals(Map.of("02:00:00:0a:00:01", "1", "8e:cd:5b:9e:b8:42", "LOCAL"), fdb);
    }
}
