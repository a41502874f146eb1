package io.morgana.net.tcp;

/**
 * Sorted, disjoint, non-adjacent ranges of sequence numbers {@code [start, end)}, at most a fixed
 * number (further ranges are refused, which only costs precision): out-of-order data on the
 * receiver, SACKed data on the sender.
 */
class SeqRanges {
    private final int[] s, e;
    private int n;

    SeqRanges(int max) {
        s = new int[max];
        e = new int[max];
    }

    final int size() { return n; }
    final int start(int i) { return s[i]; }
    final int end(int i) { return e[i]; }
    final void clear() { n = 0; }

    /** Adds {@code [bs, be)}, merging; returns whether it covered anything new. */
    final boolean add(int bs, int be) {
        int i = 0;
        while (i < n && Seq.lt(e[i], bs)) i++;
        int ns = bs, ne = be, j = i;
        boolean grew = true;
        while (j < n && Seq.leq(s[j], be)) {
            if (Seq.leq(s[j], bs) && Seq.geq(e[j], be)) grew = false;
            ns = Seq.min(ns, s[j]);
            ne = Seq.max(ne, e[j]);
            j++;
        }
        int merged = j - i;
        if (merged == 0) {
            if (n == s.length) return false;
            System.arraycopy(s, i, s, i + 1, n - i);
            System.arraycopy(e, i, e, i + 1, n - i);
            n++;
        } else if (merged > 1) {
            System.arraycopy(s, j, s, i + 1, n - j);
            System.arraycopy(e, j, e, i + 1, n - j);
            n -= merged - 1;
        }
        s[i] = ns;
        e[i] = ne;
        return grew;
    }

    /** Forgets everything below {@code seq}. */
    final void removeBelow(int seq) {
        int k = 0;
        while (k < n && Seq.leq(e[k], seq)) k++;
        if (k > 0) {
            System.arraycopy(s, k, s, 0, n - k);
            System.arraycopy(e, k, e, 0, n - k);
            n -= k;
        }
        if (n > 0 && Seq.lt(s[0], seq)) s[0] = seq;
    }

    /** The start of the first range beginning after {@code seq}, or {@code otherwise}. */
    final int nextStartAfter(int seq, int otherwise) {
        for (int i = 0; i < n; i++) if (Seq.gt(s[i], seq)) return s[i];
        return otherwise;
    }

    /** The end of the highest range, or {@code otherwise} when empty. */
    final int highestEnd(int otherwise) { return n == 0 ? otherwise : e[n - 1]; }

    /** Index of the range holding {@code seq}, or -1. */
    final int find(int seq) {
        for (int i = 0; i < n; i++) if (Seq.inRange(seq, s[i], e[i])) return i;
        return -1;
    }
}
