package io.morgana.dns.server;

import io.morgana.dns.wire.Rdata;
import io.morgana.dns.wire.Record;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last changes to a zone, for IXFR out (RFC 1995): each diff takes the zone from one serial to
 * the next. Bounded: the oldest diff is forgotten past {@link #MAX_DIFFS} or {@link #MAX_RECORDS}
 * records in all, after which a client that old gets a full transfer.
 */
final class Journal {
    static final int MAX_DIFFS = 100;
    static final int MAX_RECORDS = 100_000;

    record Diff(Record oldSoa, List<Record> deleted, Record newSoa, List<Record> added) {
        int size() { return deleted.size() + added.size() + 2; }
    }

    private final Deque<Diff> diffs = new ArrayDeque<>();
    private int records;

    void add(Diff d) {
        diffs.addLast(d);
        records += d.size();
        while (diffs.size() > MAX_DIFFS || (records > MAX_RECORDS && !diffs.isEmpty())) records -= diffs.removeFirst().size();
    }

    /** The chain of diffs from {@code serial} to the newest, or null when the journal does not reach back. */
    List<Diff> since(long serial) {
        List<Diff> out = new ArrayList<>();
        boolean found = false;
        for (Diff d : diffs) {
            if (!found && Rdata.soaField(d.oldSoa().rdata(), 0) == serial) found = true;
            if (found) out.add(d);
        }
        return found ? out : null;
    }
}
