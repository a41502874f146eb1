package io.morgana.net.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TcpEngineKeyTest {

    @Test void aConnectionKeyIsItsFourTuple() {
        TcpEngine.Key k = new TcpEngine.Key(0x0a000001, 80, 0x0a000002, 40000);
        assertEquals(k, new TcpEngine.Key(0x0a000001, 80, 0x0a000002, 40000));
        assertEquals(k.hashCode(), new TcpEngine.Key(0x0a000001, 80, 0x0a000002, 40000).hashCode());
        assertNotEquals(k, new TcpEngine.Key(0x0a000009, 80, 0x0a000002, 40000));
        assertNotEquals(k, new TcpEngine.Key(0x0a000001, 81, 0x0a000002, 40000));
        assertNotEquals(k, new TcpEngine.Key(0x0a000001, 80, 0x0a000003, 40000));
        assertNotEquals(k, new TcpEngine.Key(0x0a000001, 80, 0x0a000002, 40001));
        assertNotEquals(k, new TcpEngine.Key(0x0a000002, 40000, 0x0a000001, 80)); // the other direction
        assertNotEquals(k, null);
        assertNotEquals(k, "10.0.0.1:80");
        // one peer's ports spread over distinct hash codes
        Set<Integer> hashes = new HashSet<>();
        for (int port = 1024; port < 65536; port++) hashes.add(new TcpEngine.Key(0x0a000001, 80, 0x0a000002, port).hashCode());
        assertEquals(65536 - 1024, hashes.size());
    }
}
