package io.morgana.net.tcp;

/** The sender's record of what the peer has SACKed above SND.UNA (RFC 6675 section 3). */
final class SackScoreboard extends SeqRanges {
    static final int MAX = 64;

    SackScoreboard() { super(MAX); }

    /**
     * RFC 6675 IsLost: at least DupThresh (3) SACKed segments, or more than 2·SMSS bytes,
     * lie above {@code seq}.
     */
    boolean isLost(int seq, int smss) {
        long bytes = 0;
        int segments = 0;
        for (int i = size() - 1; i >= 0 && Seq.gt(end(i), seq); i--) {
            int from = Seq.max(start(i), seq + 1);
            int len = end(i) - from;
            bytes += len;
            segments += (len + smss - 1) / smss;
            if (segments >= 3 || bytes > 2L * smss) return true;
        }
        return false;
    }
}
