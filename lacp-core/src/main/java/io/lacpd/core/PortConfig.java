package io.lacpd.core;

import io.lacpd.core.pdu.PortInfo;

/**
 * Administrative settings of one aggregation port (802.1AX-2014 6.4.7: Actor_Port_Number,
 * Actor_Port_Priority, Actor_Admin_Port_Key, Actor_Admin_Port_State, and the Partner_Admin_* values).
 *
 * @param name         the port's name, e.g. the interface name; identifies the port in the API
 * @param portNumber   Actor_Port_Number, 1..65535, unique within the system
 * @param portPriority Actor_Port_Priority, 0..65535
 * @param key          Actor_Admin_Port_Key, 0..65535: ports that may aggregate together share a key
 * @param activity     active or passive
 * @param timeout      short or long
 * @param aggregatable false makes the port Individual (Aggregation bit clear)
 * @param partnerAdmin the partner taken while none is heard (Partner_Admin_System_Priority, _System, _Key,
 *                     _Port_Priority, _Port, _Port_State): the Receive machine's DEFAULTED state records it as
 *                     the partner, so a port whose partner never speaks (a static one) aggregates with it when
 *                     its state says Aggregation and Synchronization (and Collecting, for independent control)
 * @param lacpEnabled  false keeps LACP off the port whatever its duplex (ours, not the standard's: its LACP_Enabled
 *                     follows the duplex only): it sends no LACPDU and ignores those it receives, as a member of a
 *                     Static team does
 */
public record PortConfig(String name, int portNumber, int portPriority, int key, LacpActivity activity,
                         LacpTimeout timeout, boolean aggregatable, PortInfo partnerAdmin, boolean lacpEnabled) {

    /** The default port priority. */
    public static final int DEFAULT_PORT_PRIORITY = 32768;
    /** The default key. */
    public static final int DEFAULT_KEY = 1;

    public PortConfig {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("port name is required");
        }
        if (portNumber < 1 || portNumber > 0xFFFF) {
            throw new IllegalArgumentException("port " + name + ": port number " + portNumber + " out of range (expected: 1..65535)");
        }
        if (portPriority < 0 || portPriority > 0xFFFF) {
            throw new IllegalArgumentException("port " + name + ": port priority " + portPriority + " out of range (expected: 0..65535)");
        }
        if (key < 0 || key > 0xFFFF) {
            throw new IllegalArgumentException("port " + name + ": key " + key + " out of range (expected: 0..65535)");
        }
        if (activity == null || timeout == null || partnerAdmin == null) {
            throw new IllegalArgumentException("port " + name + ": activity, timeout and partner admin values are required");
        }
    }

    /** Settings whose partner admin values are all zero ({@link PortInfo#NONE}): no partner while none is heard. */
    public PortConfig(String name, int portNumber, int portPriority, int key, LacpActivity activity, LacpTimeout timeout,
                      boolean aggregatable) {
        this(name, portNumber, portPriority, key, activity, timeout, aggregatable, PortInfo.NONE, true);
    }

    /** Defaults: priority 32768, key 1, Active, short timeout, aggregatable. */
    public static PortConfig of(String name, int portNumber) {
        return new PortConfig(name, portNumber, DEFAULT_PORT_PRIORITY, DEFAULT_KEY, LacpActivity.ACTIVE, LacpTimeout.SHORT, true);
    }

    public PortConfig withPortNumber(int n) {
        return new PortConfig(name, n, portPriority, key, activity, timeout, aggregatable, partnerAdmin, lacpEnabled);
    }

    public PortConfig withPortPriority(int p) {
        return new PortConfig(name, portNumber, p, key, activity, timeout, aggregatable, partnerAdmin, lacpEnabled);
    }

    public PortConfig withKey(int k) {
        return new PortConfig(name, portNumber, portPriority, k, activity, timeout, aggregatable, partnerAdmin, lacpEnabled);
    }

    public PortConfig withActivity(LacpActivity a) {
        return new PortConfig(name, portNumber, portPriority, key, a, timeout, aggregatable, partnerAdmin, lacpEnabled);
    }

    public PortConfig withTimeout(LacpTimeout t) {
        return new PortConfig(name, portNumber, portPriority, key, activity, t, aggregatable, partnerAdmin, lacpEnabled);
    }

    public PortConfig withAggregatable(boolean a) {
        return new PortConfig(name, portNumber, portPriority, key, activity, timeout, a, partnerAdmin, lacpEnabled);
    }

    /** These settings with other partner admin values. */
    public PortConfig withPartnerAdmin(PortInfo admin) {
        return new PortConfig(name, portNumber, portPriority, key, activity, timeout, aggregatable, admin, lacpEnabled);
    }

    /** These settings with LACP on or off. */
    public PortConfig withLacpEnabled(boolean enabled) {
        return new PortConfig(name, portNumber, portPriority, key, activity, timeout, aggregatable, partnerAdmin, enabled);
    }
}
