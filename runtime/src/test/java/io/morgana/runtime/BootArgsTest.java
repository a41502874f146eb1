package io.morgana.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.api.Arg;
import io.morgana.api.Device;
import io.morgana.api.FileContents;
import io.morgana.api.Ipv4Prefix;
import io.morgana.api.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootArgsTest {

    static final Arg<Integer> PORT = Arg.port("port", 7, "port");
    static final Arg<String> ZONE = Arg.string("zone", null, "zone name").required();
    static final Arg<List<String>> PEER = Arg.string("peer", null, "a peer").repeatable();
    static final Arg<Boolean> VERBOSE = Arg.flag("verbose", "talk more");
    static final Arg<FileContents> KEY = Arg.file("key", "key file");

    static List<Arg<?>> decls(Arg<?>... extra) {
        List<Arg<?>> l = new ArrayList<>(StandardArgs.ALL);
        l.addAll(List.of(extra));
        return l;
    }

    static String usageError(List<Arg<?>> d, String... argv) {
        BootException e = assertThrows(BootException.class, () -> BootArgs.parse(d, argv));
        assertEquals(BootException.USAGE, e.exitStatus());
        return e.getMessage();
    }

    @Test void bothLongFormsShortLogsAndFlags() throws Exception {
        BootArgs a = BootArgs.parse(decls(PORT, VERBOSE), "--port", "80", "-l", "tcp:debug", "--verbose", "--ipv4=10.0.0.2/24");
        assertEquals(80, a.get(PORT));
        assertEquals("tcp:debug", a.get(StandardArgs.LOGS));
        assertTrue(a.get(VERBOSE));
        assertEquals(Ipv4Prefix.parse("10.0.0.2/24"), a.get(StandardArgs.IPV4));
        assertTrue(a.given(PORT));
        assertFalse(a.given(StandardArgs.GRACE));
        assertEquals(Duration.ofSeconds(5), a.get(StandardArgs.GRACE));
        assertFalse(BootArgs.parse(decls(VERBOSE), "--verbose=false").get(VERBOSE));
        assertEquals(8080, BootArgs.parse(decls(PORT), "--port=8080").get(PORT));
        assertEquals("*:debug", BootArgs.parse(decls(), "-l=*:debug").get(StandardArgs.LOGS));
    }

    @Test void defaultsWhenNotGiven() throws Exception {
        BootArgs a = BootArgs.parse(decls(PORT, PEER, VERBOSE));
        assertEquals(7, a.get(PORT));
        assertEquals(List.of(), a.get(PEER));
        assertFalse(a.get(VERBOSE));
    }

    @Test void wrongTypeNamesTheArgumentAndTheForm() {
        assertEquals("--port: 'abc' is not a number (want an integer 0..65535) [--port=PORT]", usageError(decls(PORT), "--port=abc"));
        assertEquals("--port: 70000 is out of range (want 0..65535) [--port=PORT]", usageError(decls(PORT), "--port", "70000"));
        assertTrue(usageError(decls(), "--stop-grace=soon").contains("is not a duration"));
        assertTrue(usageError(decls(), "--ipv4=10.0.0.300/24").startsWith("--ipv4: "));
    }

    @Test void unknownArgumentSuggestsTheNearestName() {
        assertEquals("unknown argument --prot (did you mean --port?) (see --help)", usageError(decls(PORT), "--prot=1"));
        assertEquals("unknown argument --frobnicate (see --help)", usageError(decls(PORT), "--frobnicate"));
        assertTrue(usageError(decls(PORT), "port=1").startsWith("unexpected 'port=1'"));
    }

    @Test void missingValueMissingRequiredAndRepeats() {
        assertEquals("--port needs a value (--port=PORT)", usageError(decls(PORT), "--port"));
        assertEquals("missing required argument --zone=TEXT: zone name", usageError(decls(ZONE)));
        assertTrue(usageError(decls(PORT), "--port=1", "--port=2").contains("given twice"));
    }

    @Test void repeatableCollectsEveryOccurrence() throws Exception {
        assertEquals(List.of("a", "b", "c"), BootArgs.parse(decls(PEER), "--peer=a", "--peer", "b", "--peer=c").get(PEER));
    }

    @Test void helpAndVersionAreSeenBeforeParsing() {
        assertTrue(BootArgs.wantsHelp("--port=abc", "-h"));
        assertTrue(BootArgs.wantsVersion("--version"));
        assertFalse(BootArgs.wantsHelp("--port=1"));
    }

    @Test void helpGroupsArguments() throws Exception {
        Manifest m = Manifest.builder("web").summary("a web site").needs(Device.kvRo("htdocs", "the pages").with("tar-arg", "tar"))
                .arg(PORT).build();
        String h = BootArgs.help(m, "unix", BootArgs.declared(null, m));
        int net = h.indexOf("Network:"), sto = h.indexOf("Storage:"), log = h.indexOf("Logging:"), rt = h.indexOf("Runtime:"),
                app = h.indexOf("Appliance:");
        assertTrue(net > 0 && net < sto && sto < log && log < rt && rt < app, h);
        assertTrue(h.contains("--htdocs=PATH"), h);
        assertTrue(h.contains("--tar=FILE"), h);
        assertTrue(h.contains("--port=PORT") && h.contains("(default: 7)"), h);
        assertTrue(h.contains("(default: 5s)"), h);
    }

    @Test void defaultDurationsShowAsTheyAreTyped() {
        assertEquals("0s", BootArgs.show(Duration.ZERO));
        assertEquals("1500ns", BootArgs.show(Duration.ofNanos(1500)));
        assertEquals("50us", BootArgs.show(Duration.ofNanos(50_000)));
        assertEquals("1500us", BootArgs.show(Duration.ofNanos(1_500_000)));
        assertEquals("250ms", BootArgs.show(Duration.ofMillis(250)));
        assertEquals("5s", BootArgs.show(Duration.ofSeconds(5)));
        assertEquals("2m", BootArgs.show(Duration.ofMinutes(2)));
        assertEquals("1h", BootArgs.show(Duration.ofHours(1)));
        assertEquals(Duration.ofNanos(50_000), Arg.parseDuration(BootArgs.show(Duration.ofNanos(50_000))));
    }

    @Test void deviceArgsClashWithApplianceArgsIsAConfigError() {
        Manifest m = Manifest.builder("web").needs(Device.kvRo("port", "oops")).arg(PORT).build();
        BootException e = assertThrows(BootException.class, () -> BootArgs.declared(null, m));
        assertEquals(BootException.CONFIG, e.exitStatus());
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test void blockDevicesNeedAFile() throws Exception {
        Manifest m = Manifest.builder("db").needs(Device.block("disk", "data")).build();
        assertTrue(usageError(BootArgs.declared(null, m)).startsWith("missing required argument --disk=FILE"));
    }

    @Test void fileArgumentsAreReadAtBootWithClearErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, "secret");
        BootArgs a = BootArgs.parse(decls(KEY), "--key=" + f);
        assertFalse(a.get(KEY).loaded());
        a.loadFiles();
        assertEquals("secret", new String(a.get(KEY).bytes()));

        BootArgs missing = BootArgs.parse(decls(KEY), "--key=" + dir.resolve("nope"));
        BootException e = assertThrows(BootException.class, missing::loadFiles);
        assertEquals(BootException.USAGE, e.exitStatus());
        assertEquals("--key: no such file '" + dir.resolve("nope") + "'", e.getMessage());
    }
}
