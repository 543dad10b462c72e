package io.lacpd.team.daemon;

import io.lacpd.team.datapath.VlanSet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code vlans} setting and the names of VLAN team interfaces: {@code TEAM.VID}, after the team interface's
 * name, at most 15 characters as every interface name. The same checks serve the config and the control
 * request {@code vlan add VID}.
 */
final class VlanConfig {

    /** The key (and flag without its dashes). */
    static final String KEY = "vlans";

    private static final int MAX_NAME = 15;

    private VlanConfig() {
    }

    /**
     * The VLAN IDs of {@code vlans = VID[,VID...]}, in the order given; none when the key is absent or blank.
     *
     * @throws ConfigException with one line: a VID that is not a number in 1..4094, a VID twice, too many, or an
     *                         interface name that would be too long
     */
    static List<Integer> parse(Map<String, String> s, String teamInterface, Function<String, String> label)
            throws ConfigException {
        String v = s.get(KEY);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        Set<Integer> vids = new LinkedHashSet<>();
        for (String part : v.split(",", -1)) {
            int vid = vid(part.strip(), label.apply(KEY));
            if (!vids.add(vid)) {
                throw new ConfigException(label.apply(KEY) + ": VLAN " + vid + " listed twice");
            }
            name(teamInterface, vid, label.apply(KEY));
        }
        if (vids.size() > VlanSet.MAX_VLANS) {
            throw new ConfigException(label.apply(KEY) + ": " + vids.size() + " VLANs (expected: at most "
                    + VlanSet.MAX_VLANS + ")");
        }
        return List.copyOf(new ArrayList<>(vids));
    }

    /** The VLAN ID written {@code text}. */
    static int vid(String text, String label) throws ConfigException {
        if (!text.matches("\\d{1,4}") || !VlanSet.validVid(Integer.parseInt(text))) {
            throw new ConfigException(label + ": bad VLAN ID '" + text + "' (expected: " + VlanSet.MIN_VID + ".."
                    + VlanSet.MAX_VID + ")");
        }
        return Integer.parseInt(text);
    }

    /** The name of VLAN {@code vid}'s interface, {@code TEAM.VID}. */
    static String name(String teamInterface, int vid, String label) throws ConfigException {
        String name = teamInterface + "." + vid;
        if (name.length() > MAX_NAME) {
            throw new ConfigException(label + ": VLAN " + vid + "'s interface name '" + name + "' is longer than "
                    + MAX_NAME + " characters (set a shorter --team-interface)");
        }
        return name;
    }
}
