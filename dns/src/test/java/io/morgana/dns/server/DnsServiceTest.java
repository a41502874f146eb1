package io.morgana.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.morgana.dns.TestServer;
import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.Name;
import io.morgana.dns.wire.Type;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The shell's TCP handling (RFC 7766) with a plain socket. */
class DnsServiceTest {

    @Test void pipelinedQueriesOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (TestServer s = TestServer.exampleOrg(); Socket c = new Socket()) {
            c.connect(new InetSocketAddress("127.0.0.1", s.service.tcpPort()), 5000);
            c.setSoTimeout(5000);
            String[] names = {"www.example.org", "nope.example.org", "many.example.org", "mail.example.org"};
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < names.length; i++) {
                byte[] q = Message.query(100 + i, Name.of(names[i]), Type.A).encode();
                all.write(q.length >> 8);
                all.write(q.length);
                all.write(q);
            }
            c.getOutputStream().write(all.toByteArray());   // one write: the queries arrive together
            DataInputStream in = new DataInputStream(c.getInputStream());
            int[] answers = {1, 0, 100, 1};
            for (int i = 0; i < names.length; i++) {
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                Message m = Message.decode(r);
                assertEquals(100 + i, m.id);
                assertEquals(answers[i], m.answers.size(), names[i]);
                assertTrue(!m.has(Message.TC), "no truncation over TCP");
            }
            byte[] junk = {0, 3, 1, 2, 3};
            c.getOutputStream().write(junk);   // too short for a header: dropped, the connection stays
            byte[] q = Message.query(7, Name.of("www.example.org"), Type.A).encode();
            c.getOutputStream().write(new byte[] {0, (byte) q.length});
            c.getOutputStream().write(q);
            byte[] r = new byte[in.readUnsignedShort()];
            in.readFully(r);
            assertEquals(7, Message.decode(r).id);
        }
    }
}
