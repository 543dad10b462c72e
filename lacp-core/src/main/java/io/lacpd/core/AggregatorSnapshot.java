package io.lacpd.core;

import io.lacpd.core.pdu.MacAddress;

import java.util.List;

/**
 * One aggregator at one moment.
 *
 * @param id                    Aggregator_Identifier
 * @param key                   Actor_Oper_Aggregator_Key
 * @param partnerSystemPriority Partner_System_Priority of its LAG
 * @param partnerSystem         Partner_System of its LAG
 * @param partnerKey            Partner_Oper_Aggregator_Key of its LAG
 * @param individual            true for an aggregator of one Individual port
 * @param selectedPorts         ports that have selected it, attached or still waiting
 * @param attachedPorts         ports attached to it (LagPortList)
 * @param distributingPorts     attached ports that distribute frames
 */
public record AggregatorSnapshot(int id, int key, int partnerSystemPriority, MacAddress partnerSystem,
                                 int partnerKey, boolean individual, List<String> selectedPorts,
                                 List<String> attachedPorts, List<String> distributingPorts) {

    public AggregatorSnapshot {
        selectedPorts = List.copyOf(selectedPorts);
        attachedPorts = List.copyOf(attachedPorts);
        distributingPorts = List.copyOf(distributingPorts);
    }
}
