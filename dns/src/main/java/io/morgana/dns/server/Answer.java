package io.morgana.dns.server;

import io.morgana.dns.wire.Record;
import java.util.ArrayList;
import java.util.List;

/**
 * What an authoritative look-up found, before encoding: the RCODE, whether we are authoritative
 * (false for a referral), and the three sections. Additional records come grouped by RRset so the
 * encoder can drop whole RRsets that do not fit.
 */
public final class Answer {
    public int rcode;
    public boolean authoritative = true;
    public final List<Record> answer = new ArrayList<>(4);
    public final List<Record> authority = new ArrayList<>(2);
    public final List<List<Record>> additional = new ArrayList<>(2);
    /** Whether the additional RRsets are glue a referral needs (RFC 9471: TC if they do not fit). */
    public boolean glueRequired;
}
