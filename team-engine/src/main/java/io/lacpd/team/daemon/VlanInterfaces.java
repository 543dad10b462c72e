package io.lacpd.team.daemon;

import io.lacpd.team.runtime.TeamDataPath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The team's VLAN interfaces on its data path: those of the {@code vlans} setting at the start, and the control
 * requests {@code vlan add VID} and {@code vlan remove VID} at run time, each answered with one line.
 */
final class VlanInterfaces {

    private final TeamDataPath path;
    private final String teamInterface;
    private final Log log;

    VlanInterfaces(TeamDataPath path, String teamInterface, Log log) {
        this.path = path;
        this.teamInterface = teamInterface;
        this.log = log;
    }

    /**
     * Creates VLAN {@code vid}'s interface {@code TEAM.VID}.
     *
     * @throws ConfigException with one line when the name is too long or taken, the VLAN has one already, or the
     *                         kernel refuses the interface
     */
    void add(int vid) throws ConfigException {
        String name = VlanConfig.name(teamInterface, vid, "VLAN " + vid);
        if (path.vlans().stream().anyMatch(v -> v.vid() == vid)) {
            throw new ConfigException("VLAN " + vid + " has an interface already: " + name);
        }
        if (Files.exists(Path.of("/sys/class/net", name))) {
            throw new ConfigException("VLAN " + vid + ": an interface named '" + name + "' exists already");
        }
        try {
            path.addVlan(vid, name);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new ConfigException("VLAN " + vid + ": " + e.getMessage());
        }
        log.line("VLAN interface " + name + " added (VLAN " + vid + ")");
    }

    /**
     * The answer to {@code vlan add VID} or {@code vlan remove VID}: {@code ok: ...} or {@code error: ...}, one
     * line.
     *
     * @param request the request line, which starts with {@code vlan }
     */
    String answer(String request) {
        String[] words = request.strip().split("\\s+");
        if (words.length != 3 || !words[1].equals("add") && !words[1].equals("remove")) {
            return "error: bad request '" + request + "' (expected: vlan add VID, vlan remove VID)\n";
        }
        int vid;
        try {
            vid = VlanConfig.vid(words[2], "vlan " + words[1]);
        } catch (ConfigException e) {
            return "error: " + e.getMessage() + "\n";
        }
        if (words[1].equals("add")) {
            try {
                add(vid);
            } catch (ConfigException e) {
                return "error: " + e.getMessage() + "\n";
            }
            return "ok: VLAN " + vid + " on " + teamInterface + "." + vid + "\n";
        }
        if (!path.removeVlan(vid)) {
            return "error: VLAN " + vid + " has no interface\n";
        }
        log.line("VLAN interface " + teamInterface + "." + vid + " removed (VLAN " + vid
                + "; its frames go to " + teamInterface + ", tagged)");
        return "ok: VLAN " + vid + " removed; its frames go to " + teamInterface + " tagged\n";
    }
}
