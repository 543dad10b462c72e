package io.lacpd.team.daemon;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NearMissTest {

    private static final List<String> KEYS = List.of("team", "ports", "lacp-rate", "system-priority", "key");

    @Test
    void aNameOneOrTwoEditsAwayIsSuggested() {
        assertEquals(Optional.of("ports"), NearMiss.of("port", KEYS));
        assertEquals(Optional.of("lacp-rate"), NearMiss.of("lacp_rate", KEYS));
        assertEquals(Optional.of("system-priority"), NearMiss.of("sytsem-priorty", KEYS));
        assertEquals(Optional.of("team"), NearMiss.of("taem", KEYS), "a swap is one edit");
    }

    @Test
    void aNameFarFromEveryKeyHasNoSuggestion() {
        assertEquals(Optional.empty(), NearMiss.of("speed", KEYS));
        assertEquals(Optional.empty(), NearMiss.of("ky", List.of("team")));
    }
}
