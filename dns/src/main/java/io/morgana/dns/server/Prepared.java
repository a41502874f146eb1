package io.morgana.dns.server;

import io.morgana.dns.wire.Message;
import io.morgana.dns.wire.MessageWriter;
import io.morgana.dns.wire.Question;
import io.morgana.dns.wire.Record;
import java.util.List;

/**
 * A response encoded once and served many times (NSD's "answers prepared ahead"): the bytes with
 * a placeholder ID and the question as first asked, plus where the authority section ends and
 * where each additional RRset ends, so that a response too big for the requester's UDP size is
 * cut at an RRset boundary (or sent with TC) by copying, not re-encoding.
 */
final class Prepared {
    final byte[] bytes;
    /** Offset where the authority section ends. */
    final int authorityEnd;
    /** End offset of each additional RRset, and the ARCOUNT up to it. */
    final int[] additionalEnds, additionalCounts;
    final int questionEnd;
    final boolean glueRequired;

    private Prepared(byte[] bytes, int questionEnd, int authorityEnd, int[] ends, int[] counts, boolean glueRequired) {
        this.bytes = bytes;
        this.questionEnd = questionEnd;
        this.authorityEnd = authorityEnd;
        this.additionalEnds = ends;
        this.additionalCounts = counts;
        this.glueRequired = glueRequired;
    }

    static Prepared of(Question q, Answer a, int opcode) {
        MessageWriter w = new MessageWriter(65535);
        int flags = Message.QR | opcode << 11 | (a.authoritative ? Message.AA : 0) | (a.rcode & 0xf);
        w.header(0, flags);
        w.question(q);
        w.count(0, 1);
        int qEnd = w.position();
        try {
            for (Record r : a.answer) w.record(r);
            w.count(1, a.answer.size());
            for (Record r : a.authority) w.record(r);
            w.count(2, a.authority.size());
        } catch (MessageWriter.Full e) {
            // More than 64 KiB of answer: serve the question with TC; TCP will get the same.
            w.rollback(qEnd);
            w.count(1, 0);
            w.count(2, 0);
            w.flags(flags | Message.TC);
            return new Prepared(w.toByteArray(), qEnd, qEnd, new int[0], new int[0], false);
        }
        int authEnd = w.position();
        int n = a.additional.size();
        int[] ends = new int[n], counts = new int[n];
        int count = 0, k = 0;
        for (List<Record> set : a.additional) {
            long mark = w.mark();
            try {
                for (Record r : set) w.record(r);
            } catch (MessageWriter.Full e) {
                w.rollback(mark);
                break;
            }
            count += set.size();
            ends[k] = w.position();
            counts[k++] = count;
        }
        w.count(3, count);
        return new Prepared(w.toByteArray(), qEnd, authEnd, java.util.Arrays.copyOf(ends, k), java.util.Arrays.copyOf(counts, k),
                a.glueRequired);
    }

    /**
     * Writes the response for a query into {@code out} and returns its length: the query's ID,
     * RD and CD bits and question bytes (so the requester sees its own letter case), cut to
     * {@code max} bytes less {@code reserve} (room for OPT and TSIG).
     */
    int serve(byte[] query, int qEnd, byte[] out, int max, int reserve) {
        int limit = max - reserve;
        int len = bytes.length;
        int ar = additionalCounts.length == 0 ? 0 : additionalCounts[additionalCounts.length - 1];
        boolean tc = false;
        if (len > limit) {
            len = authorityEnd;
            ar = 0;
            for (int i = 0; i < additionalEnds.length && additionalEnds[i] <= limit; i++) {
                len = additionalEnds[i];
                ar = additionalCounts[i];
            }
            if (len > limit || (glueRequired && ar < (additionalCounts.length == 0 ? 0 : additionalCounts[additionalCounts.length - 1]))) {
                tc = true;
                len = questionEnd;
            }
        }
        System.arraycopy(bytes, 0, out, 0, len);
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (bytes[2] | (query[2] & 0x01) | (tc ? 0x02 : 0));
        out[3] = (byte) (bytes[3] | (query[3] & 0x10));
        if (qEnd == questionEnd) System.arraycopy(query, 12, out, 12, qEnd - 12);
        if (tc) {
            out[6] = out[7] = out[8] = out[9] = 0;
        }
        out[10] = (byte) (ar >> 8);
        out[11] = (byte) ar;
        return len;
    }
}
