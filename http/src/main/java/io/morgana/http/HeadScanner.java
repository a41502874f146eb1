package io.morgana.http;

/**
 * Finds the end of a message head (start line and fields, ended by an empty line) in bytes that
 * arrive piecemeal, without re-reading what it has seen. Sans-I/O: it only looks at the bytes it
 * is given. Lines must end in CRLF (a bare LF is rejected: lenient line endings are how request
 * smuggling starts); at most four empty lines before the start line are skipped (RFC 9112 §2.2).
 * Offsets are relative to the start of the head, so the caller may move its buffer in between.
 */
final class HeadScanner {
    private final int maxStartLine;
    private final int maxHeadBytes;
    private final int maxLines;
    private int scanned;
    private int lineStart;
    private int lines;
    private int leadingEmpty;

    HeadScanner(int maxStartLine, int maxHeadBytes, int maxFields) {
        this.maxStartLine = maxStartLine;
        this.maxHeadBytes = maxHeadBytes;
        this.maxLines = maxFields + 1;
    }

    void reset() {
        scanned = lineStart = lines = leadingEmpty = 0;
    }

    /**
     * Looks at {@code b[from, to)} (the whole head so far, from its first byte). Returns the head's
     * length including the final empty line, or -1 if it is not complete yet.
     *
     * @throws HttpException 400 for a bare LF or too many leading empty lines, 414 for a start line
     *     too long, 431 for a head too large or with too many fields
     */
    int scan(byte[] b, int from, int to) throws HttpException {
        for (int i = from + scanned; i < to; i++) {
            if (b[i] != '\n') continue;
            int rel = i - from;
            if (rel == 0 || b[i - 1] != '\r') throw new HttpException(400, "bare LF in message head", true);
            int lineLen = rel - 1 - lineStart;
            if (lineLen == 0) {
                if (lines > 0) return rel + 1;
                if (++leadingEmpty > 4) throw new HttpException(400, "empty lines instead of a request line", true);
            } else if (lines++ == 0 && lineLen > maxStartLine) {
                throw new HttpException(414, "request line longer than " + maxStartLine + " bytes", true);
            } else if (lines > maxLines) {
                throw new HttpException(431, "more than " + (maxLines - 1) + " header fields", true);
            }
            lineStart = rel + 1;
            if (rel + 1 > maxHeadBytes) throw new HttpException(431, "head larger than " + maxHeadBytes + " bytes", true);
        }
        scanned = to - from;
        if (lines == 0 && scanned - lineStart > maxStartLine) {
            throw new HttpException(414, "request line longer than " + maxStartLine + " bytes", true);
        }
        if (scanned > maxHeadBytes) throw new HttpException(431, "head larger than " + maxHeadBytes + " bytes", true);
        return -1;
    }
}
