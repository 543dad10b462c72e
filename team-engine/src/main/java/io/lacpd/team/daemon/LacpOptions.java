package io.lacpd.team.daemon;

import io.lacpd.core.pdu.LacpState;
import io.lacpd.core.pdu.MacAddress;
import io.lacpd.core.pdu.PortInfo;
import io.lacpd.core.pdu.StateBit;
import io.lacpd.team.AggregatorSelect;
import io.lacpd.team.TeamPolicy;
import io.lacpd.team.member.FlapDamping;
import io.lacpd.team.member.MemberMap;
import io.lacpd.team.status.StatusJson;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The LACP options of one team beyond the identity and rate settings of {@link DaemonConfig}, all reloadable.
 * See docs/configuration.md.
 *
 * @param aggregateWaitMs Aggregate_Wait_Time in milliseconds (802.1AX-2014 6.4.4): 2000 by default, 0 attaches at once
 * @param partnerAdmin    the Partner_Admin_* values of every member (6.4.7): the partner a member takes while
 *                        it hears none; all zero ({@link PortInfo#NONE}) unless set
 * @param aggregatorSelect which aggregator carries the team's traffic when members distribute in several
 * @param minLinks        the team is down unless at least this many members could carry traffic (1: never held down)
 * @param damping         flap damping: more than {@code flap-limit} link losses within {@code flap-window} seconds
 *                        hold a member out until its link has been up for {@code flap-hold} seconds
 */
public record LacpOptions(int aggregateWaitMs, PortInfo partnerAdmin, AggregatorSelect aggregatorSelect, int minLinks,
                          FlapDamping.Settings damping) {

    /** Options without flap damping. */
    public LacpOptions(int aggregateWaitMs, PortInfo partnerAdmin, AggregatorSelect aggregatorSelect, int minLinks) {
        this(aggregateWaitMs, partnerAdmin, aggregatorSelect, minLinks, FlapDamping.Settings.OFF);
    }

    /** The keys (and flags without their dashes) these options are read from. */
    static final Set<String> KEYS = Set.of("aggregate-wait", "partner-admin-system", "partner-admin-system-priority",
            "partner-admin-key", "partner-admin-port", "partner-admin-port-priority", "partner-admin-state", "aggregator-select",
            "min-links", "flap-limit", "flap-window", "flap-hold");

    /** flap-window's default: link losses are counted over a minute. */
    static final int DEFAULT_FLAP_WINDOW_S = 60;
    /** flap-hold's default: a held member comes back after half a minute of stable link. */
    static final int DEFAULT_FLAP_HOLD_S = 30;

    /**
     * The state bits {@code partner-admin-state} names, in the status' words ({@link StatusJson#bitName}); Defaulted
     * and Expired are not among them, as they describe the receiver's own machine.
     */
    private static final Map<String, StateBit> STATE_WORDS = new LinkedHashMap<>();

    static {
        for (StateBit bit : EnumSet.range(StateBit.LACP_ACTIVITY, StateBit.DISTRIBUTING)) {
            STATE_WORDS.put(StatusJson.bitName(bit), bit);
        }
    }

    /** The longest Aggregate_Wait_Time accepted, in milliseconds. */
    static final int MAX_AGGREGATE_WAIT_MS = 60_000;

    /** Every option at its default. */
    public static final LacpOptions DEFAULTS = new LacpOptions(2000, PortInfo.NONE, AggregatorSelect.COUNT, 1);

    /** Reads the options from the merged settings; {@code label} names a key as the user gave it. */
    static LacpOptions parse(Map<String, String> s, Function<String, String> label) throws ConfigException {
        int wait = DEFAULTS.aggregateWaitMs;
        String v = s.get("aggregate-wait");
        if (v != null) {
            if (!v.strip().matches("\\d{1,9}") || Integer.parseInt(v.strip()) > MAX_AGGREGATE_WAIT_MS) {
                throw new ConfigException(label.apply("aggregate-wait") + " '" + v.strip()
                        + "' (expected: milliseconds, 0.." + MAX_AGGREGATE_WAIT_MS + ")");
            }
            wait = Integer.parseInt(v.strip());
        }
        int minLinks = number(s, "min-links", DEFAULTS.minLinks, label);
        if (minLinks > MemberMap.MAX_MEMBERS) {
            throw new ConfigException(label.apply("min-links") + " '" + minLinks + "' (expected: 0.." + MemberMap.MAX_MEMBERS
                    + ", the most members a team has)");
        }
        AggregatorSelect select = DaemonConfig.named(s, "aggregator-select", AggregatorSelect.values(),
                DEFAULTS.aggregatorSelect, label);
        return new LacpOptions(wait, partnerAdmin(s, label), select, minLinks, damping(s, label));
    }

    /** The team's rules from these options. */
    public TeamPolicy teamPolicy() {
        return new TeamPolicy(aggregatorSelect, minLinks, damping);
    }

    /** {@code flap-limit} (0, the default: off), {@code flap-window} and {@code flap-hold}, in seconds. */
    private static FlapDamping.Settings damping(Map<String, String> s, Function<String, String> label)
            throws ConfigException {
        int limit = number(s, "flap-limit", 0, label);
        int window = number(s, "flap-window", DEFAULT_FLAP_WINDOW_S, label);
        int hold = number(s, "flap-hold", DEFAULT_FLAP_HOLD_S, label);
        if (limit > 0 && window == 0) {
            throw new ConfigException(label.apply("flap-window")
                    + " '0' (expected: seconds, 1..65535, with flap-limit)");
        }
        return limit == 0 ? FlapDamping.Settings.OFF : new FlapDamping.Settings(limit, TimeUnit.SECONDS.toNanos(window),
                TimeUnit.SECONDS.toNanos(hold));
    }

    private static PortInfo partnerAdmin(Map<String, String> s, Function<String, String> label) throws ConfigException {
        PortInfo none = PortInfo.NONE;
        MacAddress system = none.system();
        String mac = s.get("partner-admin-system");
        if (mac != null) {
            try {
                system = MacAddress.parse(mac.strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(label.apply("partner-admin-system") + ": " + e.getMessage());
            }
            if (system.isMulticast()) {
                throw new ConfigException(label.apply("partner-admin-system") + " " + system + " is not a unicast address");
            }
        }
        return new PortInfo(number(s, "partner-admin-system-priority", none.systemPriority(), label), system,
                number(s, "partner-admin-key", none.key(), label),
                number(s, "partner-admin-port-priority", none.portPriority(), label),
                number(s, "partner-admin-port", none.port(), label), state(s, label));
    }

    /** {@code partner-admin-state}: state bits by name, comma separated ({@code none} for none), or one octet in hex. */
    private static LacpState state(Map<String, String> s, Function<String, String> label) throws ConfigException {
        String v = s.get("partner-admin-state");
        if (v == null) {
            return PortInfo.NONE.state();
        }
        String value = v.strip().toLowerCase(Locale.ROOT);
        if (value.matches("0x[0-9a-f]{1,2}")) {
            return new LacpState(Integer.parseInt(value.substring(2), 16));
        }
        LacpState state = LacpState.NONE;
        if (value.equals("none")) {
            return state;
        }
        for (String word : value.split(",")) {
            StateBit bit = STATE_WORDS.get(word.strip());
            if (bit == null) {
                throw new ConfigException(label.apply("partner-admin-state") + ": '" + word.strip()
                        + "' is not a state bit (expected: a comma-separated list of " + String.join(", ", STATE_WORDS.keySet())
                        + "; none; or an octet such as 0x3d)");
            }
            state = state.with(bit, true);
        }
        return state;
    }

    private static int number(Map<String, String> s, String key, int dflt, Function<String, String> label)
            throws ConfigException {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.strip().matches("\\d{1,9}") || Integer.parseInt(v.strip()) > 0xFFFF) {
            throw new ConfigException(label.apply(key) + " '" + v.strip() + "' (expected: 0..65535)");
        }
        return Integer.parseInt(v.strip());
    }

    /** Aggregate_Wait_Time in nanoseconds, as the LACP system takes it. */
    public long aggregateWaitNanos() {
        return TimeUnit.MILLISECONDS.toNanos(aggregateWaitMs);
    }
}
