package io.morgana.dns.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.zone.ZoneException;
import io.morgana.dns.zone.ZoneParser;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** RRSIG times (RFC 4034 §3.2) in their YYYYMMDDHHmmSS form, against java.time. */
class RrsigTimeTest {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private static String rrsig(String expiration, String inception) {
        return "$ORIGIN t.example.\n$TTL 300\nr RRSIG A 8 3 300 " + expiration + " " + inception + " 2371 t.example. dGVzdA==\n";
    }

    @Test void everyUnsigned32BitTimeReadsAndPrintsAsJavaTimeDoes() throws Exception {
        SplittableRandom r = new SplittableRandom(4034);
        for (int i = 0; i < 2000; i++) {
            long t = i == 0 ? 0 : i == 1 ? 0xffff_ffffL : r.nextLong(0, 1L << 32);
            String text = LocalDateTime.ofEpochSecond(t, 0, ZoneOffset.UTC).format(TIME);
            StringBuilder sb = new StringBuilder();
            Rdata.appendTime(sb, t);
            assertEquals(text, sb.toString(), "at " + t);
            List<Record> rs = ZoneParser.parse("t", rrsig(text, "20260101000000").getBytes(), null);
            assertEquals(t, Rdata.u32(rs.getFirst().rdata(), 8), text);
            assertTrue(rs.getFirst().rdataText().contains(" " + text + " 20260101000000 "), rs.getFirst().rdataText());
        }
    }

    @Test void anImpossibleDateIsAZoneErrorNotAnEscapingException() {
        for (String bad : List.of("20261301000000", "20260230000000", "20260101240000", "20260101006000", "20260101000060")) {
            ZoneException e = assertThrows(ZoneException.class, () -> ZoneParser.parse("t", rrsig(bad, "20260101000000").getBytes(), null));
            assertTrue(e.getMessage().contains("'" + bad + "' is not a time"), e.getMessage());
        }
    }
}
