package io.lacpd.team.daemon;

import io.lacpd.team.Team;
import io.lacpd.team.TeamState;
import io.lacpd.team.member.MemberRole;
import io.lacpd.team.member.MemberStatus;
import io.lacpd.team.mode.TeamingMode;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The control request {@code member IF standby|active}: sets a member of a running switch-independent team Standby
 * or Active, as Windows NIC Teaming lets the operator do without a restart. The role holds until the next reload,
 * which applies the config's {@code standby} again.
 */
final class MemberRoleRequest {

    /** How the request line starts. */
    static final String VERB = "member ";

    private MemberRoleRequest() {
    }

    /** Whether the request line is this request (well formed or not). */
    static boolean matches(String request) {
        return request.startsWith(VERB);
    }

    /**
     * Applies the request to the team; on the team's thread (the LACP loop).
     *
     * @param log told of each change made
     * @return one line: the role now in force, or {@code error: ...}
     */
    static String answer(Team team, String request, long now, Consumer<String> log) {
        String[] words = request.substring(VERB.length()).strip().split("\\s+");
        if (words.length != 2 || !(words[1].equals("standby") || words[1].equals("active"))) {
            return "error: bad request '" + request + "' (expected: member IF standby|active)\n";
        }
        TeamState state = team.state();
        if (state.mode() != TeamingMode.SWITCH_INDEPENDENT) {
            return "error: the team's mode is " + state.mode() + ": only switch-independent has Standby members\n";
        }
        MemberStatus member = state.member(words[0]);
        if (member == null) {
            return "error: no member '" + words[0] + "' in the team\n";
        }
        MemberRole role = MemberRole.valueOf(words[1].toUpperCase(Locale.ROOT));
        if (role == MemberRole.STANDBY && member.role() == MemberRole.ACTIVE
                && state.members().stream().filter(m -> m.role() == MemberRole.ACTIVE).count() == 1) {
            return "error: " + member.name() + " is the last Active member (expected: at least one Active)\n";
        }
        String word = role == MemberRole.ACTIVE ? "Active" : "Standby";
        if (member.role() != role) {
            team.setRole(member.name(), role, now);
            log.accept("member " + member.name() + " set " + word + " by request");
        }
        return member.name() + " is " + word + "\n";
    }
}
