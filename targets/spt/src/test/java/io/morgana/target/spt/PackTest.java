package io.morgana.target.spt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI entry's class path: appliance first, one jar per name, directories refused with the fix. */
class PackTest {

    @TempDir Path tmp;

    @Test void applianceJarsComeFirstAndNamesAreUnique() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        Path app = Files.writeString(a.resolve("website.jar"), "x");
        Path api1 = Files.writeString(a.resolve("morgana-api-1.jar"), "x");
        Files.writeString(b.resolve("morgana-api-1.jar"), "y");
        Path spt = Files.writeString(b.resolve("morgana-target-spt-1.jar"), "z");
        Path tap = Files.writeString(b.resolve("morgana-target-tap-1.jar"), "t");
        List<Path> cp = Pack.classPath(app + ":" + api1, b.resolve("morgana-api-1.jar") + ":" + spt);
        assertTrue(cp.contains(tap), "spt runs on tap: the tap jar beside the spt jar is added: " + cp);
        assertEquals(app, cp.get(0));
        assertEquals(1, cp.stream().filter(p -> p.getFileName().toString().equals("morgana-api-1.jar")).count(), cp.toString());
        assertTrue(cp.contains(api1), "first of two same-named jars wins: " + cp);
    }

    @Test void aClassesDirectoryIsRefusedWithTheFix() {
        IOException e = assertThrows(IOException.class, () -> Pack.classPath(tmp.toString(), ""));
        assertTrue(e.getMessage().contains("mvn package"), e.getMessage());
    }
}
