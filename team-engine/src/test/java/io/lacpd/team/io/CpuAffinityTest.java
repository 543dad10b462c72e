package io.lacpd.team.io;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuAffinityTest {

    @Test
    void aListIsReadAndWrittenAsTheKernelWritesIt() {
        assertEquals("0", CpuAffinity.parse("0").toString());
        assertEquals("0,2-3", CpuAffinity.parse("3, 2,0").toString());
        assertEquals("1-4,9", CpuAffinity.parse("1-2,3-4,9").toString());
        assertEquals("1023", CpuAffinity.parse("1023").toString());
        assertEquals(CpuAffinity.parse("2-3"), CpuAffinity.parse("2,3"));
        assertEquals("any", CpuAffinity.ANY.toString());
        assertTrue(CpuAffinity.ANY.isAny());
        assertFalse(CpuAffinity.parse("0").isAny());
    }

    @Test
    void aBadListIsNamed() {
        for (String bad : List.of("", "a", "1024", "-1", "1,,2", "1-", "0x1", "99999")) {
            assertEquals("'" + bad + "' (expected: CPU numbers 0..1023 and ranges like 0-3, comma separated)",
                    assertThrows(IllegalArgumentException.class, () -> CpuAffinity.parse(bad)).getMessage());
        }
        assertEquals("'3-1': the range 3-1 runs backwards",
                assertThrows(IllegalArgumentException.class, () -> CpuAffinity.parse("3-1")).getMessage());
    }

    @Test
    void theCpusOutsideAnAllowedSetAreNamed() {
        assertEquals("4-5", CpuAffinity.parse("1,4-5").outside(CpuAffinity.parse("0-3")).toString());
        assertTrue(CpuAffinity.parse("1").outside(CpuAffinity.parse("0-3")).isAny());
    }

    /** The calling thread's set is the kernel's own list; a thread bound to one CPU then reads back that one. */
    @Test
    void aThreadIsBoundToTheCpusAndReadsThemBack() throws Exception {
        CpuAffinity process = CpuAffinity.ofCallingThread();
        String allowed = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
        assertEquals(allowed, process.toString());
        String last = allowed.replaceAll(".*[,-]", "");
        String[] seen = new String[1];
        Thread t = new Thread(() -> {
            CpuAffinity.parse(last).applyToCallingThread();
            seen[0] = CpuAffinity.ofCallingThread().toString();
        });
        t.start();
        t.join();
        assertEquals(last, seen[0]);
        assertEquals(process, CpuAffinity.ofCallingThread(), "other threads keep theirs");
    }
}
