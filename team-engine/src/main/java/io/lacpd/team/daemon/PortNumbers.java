package io.lacpd.team.daemon;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LACP port numbers of the team's members: 1, 2, ... in the order of the first config; a port keeps its
 * number across reloads (a new number would make the partner reselect it), and an added port takes the
 * lowest free one.
 */
final class PortNumbers {

    private final Map<String, Integer> assigned = new HashMap<>();

    /** The numbers for this port list, keeping those already given. */
    Map<String, Integer> renumber(List<String> ports) {
        assigned.keySet().retainAll(ports);
        Map<String, Integer> numbers = new LinkedHashMap<>();
        for (String p : ports) {
            Integer n = assigned.get(p);
            if (n == null) {
                n = 1;
                while (assigned.containsValue(n)) {
                    n++;
                }
                assigned.put(p, n);
            }
            numbers.put(p, n);
        }
        return numbers;
    }
}
