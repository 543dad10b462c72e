package io.lacpd.interop.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Linux bonding driver's own view of an 802.3ad bond, parsed from {@code /proc/net/bonding/bond0}
 * (drivers/net/bonding/bond_procfs.c of the 6.1 kernel).
 *
 * @param lacpActive       "on" or "off"
 * @param lacpRate         "fast" or "slow"
 * @param activeAggregator the Active Aggregator Info's Aggregator ID, 0 when there is none
 * @param raw              the file as read, for messages
 */
public record BondStatus(String mode, String lacpActive, String lacpRate, String adSelect, int systemPriority,
                         String systemMac, int activeAggregator, int activeActorKey, int activePartnerKey,
                         String activePartnerMac, List<Slave> slaves, String raw) {

    /** One LACPDU's worth of actor or partner information as bonding keeps it. */
    public record Pdu(int systemPriority, String systemMac, int key, int portPriority, int portNumber, int state) {

        public boolean active() {
            return (state & 0x01) != 0;
        }

        public boolean shortTimeout() {
            return (state & 0x02) != 0;
        }

        public boolean aggregation() {
            return (state & 0x04) != 0;
        }

        public boolean synchronization() {
            return (state & 0x08) != 0;
        }

        public boolean collecting() {
            return (state & 0x10) != 0;
        }

        public boolean distributing() {
            return (state & 0x20) != 0;
        }

        public boolean defaulted() {
            return (state & 0x40) != 0;
        }

        public boolean expired() {
            return (state & 0x80) != 0;
        }
    }

    /** A member as bonding reports it. {@code miiUp} is the carrier bonding saw on its last miimon poll. */
    public record Slave(String name, boolean miiUp, int speedMbps, int aggregatorId, String actorChurn,
                        String partnerChurn, int actorChurnCount, int partnerChurnCount, Pdu actor, Pdu partner) {
    }

    public Slave slave(String name) {
        for (Slave s : slaves) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        throw new AssertionError("bond0 has no slave " + name + ":\n" + raw);
    }

    /** The slave carries traffic: its aggregator is the active one and it is collecting and distributing. */
    public boolean carrying(String name) {
        Slave s = slave(name);
        return s.miiUp && s.aggregatorId == activeAggregator && activeAggregator != 0
                && s.actor.collecting() && s.actor.distributing();
    }

    /** Every slave carries traffic, all in the one active aggregator, with this partner system. */
    public boolean allCarrying(String partnerMac) {
        if (slaves.isEmpty()) {
            return false;
        }
        for (Slave s : slaves) {
            if (!carrying(s.name) || !s.partner.systemMac.equals(partnerMac)) {
                return false;
            }
        }
        return true;
    }

    public static BondStatus parse(String text) {
        Map<String, String> top = new HashMap<>();
        Map<String, String> active = new HashMap<>();
        List<Slave> slaves = new ArrayList<>();
        Map<String, String> slave = null;
        Map<String, String> actor = null;
        Map<String, String> partner = null;
        Map<String, String> section = top;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? line.strip() : line.substring(0, colon).strip();
            String value = colon < 0 ? "" : line.substring(colon + 1).strip();
            if (key.equals("Slave Interface")) {
                if (slave != null) {
                    slaves.add(slave(slave, actor, partner));
                }
                slave = new HashMap<>();
                actor = new HashMap<>();
                partner = new HashMap<>();
                section = slave;
            } else if (key.equals("Active Aggregator Info")) {
                section = active;
                continue;
            } else if (key.equals("details actor lacp pdu")) {
                section = actor;
                continue;
            } else if (key.equals("details partner lacp pdu")) {
                section = partner;
                continue;
            } else if (section == active && !line.startsWith("\t")) {
                section = top;
            }
            section.put(key, value);
        }
        if (slave != null) {
            slaves.add(slave(slave, actor, partner));
        }
        return new BondStatus(top.getOrDefault("Bonding Mode", ""), top.getOrDefault("LACP active", ""),
                top.getOrDefault("LACP rate", ""), top.getOrDefault("Aggregator selection policy (ad_select)", ""),
                num(top.get("System priority")), top.getOrDefault("System MAC address", ""),
                num(active.get("Aggregator ID")), num(active.get("Actor Key")), num(active.get("Partner Key")),
                active.getOrDefault("Partner Mac Address", ""), List.copyOf(slaves), text);
    }

    private static Slave slave(Map<String, String> s, Map<String, String> actor, Map<String, String> partner) {
        return new Slave(s.get("Slave Interface"), "up".equals(s.get("MII Status")), num(s.get("Speed")),
                num(s.get("Aggregator ID")), s.getOrDefault("Actor Churn State", ""),
                s.getOrDefault("Partner Churn State", ""), num(s.get("Actor Churned Count")),
                num(s.get("Partner Churned Count")), pdu(actor), pdu(partner));
    }

    private static Pdu pdu(Map<String, String> m) {
        // bonding labels the partner's key "oper key", the actor's "port key"
        String key = m.containsKey("port key") ? m.get("port key") : m.get("oper key");
        return new Pdu(num(m.get("system priority")), m.getOrDefault("system mac address", ""), num(key),
                num(m.get("port priority")), num(m.get("port number")), num(m.get("port state")));
    }

    private static int num(String s) {
        if (s == null) {
            return -1;
        }
        String digits = s.split(" ")[0];
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
