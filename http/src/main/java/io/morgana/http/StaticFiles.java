package io.morgana.http;

import io.morgana.api.Key;
import io.morgana.api.KvException;
import io.morgana.api.KvRo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Serves the values of a {@link KvRo} as a static web site: GET and HEAD, {@code index.html} for
 * dictionaries, a strong {@code ETag} from the store's SHA-256 digest and {@code Last-Modified}
 * from its time, conditional requests (304, 412), byte ranges (206, multipart/byteranges, 416),
 * {@code Content-Type} by extension, and precompressed {@code .br}/{@code .gz} siblings for clients
 * that accept them (with {@code Vary: Accept-Encoding}). The store's buffers are sent as they are:
 * a file's bytes are never copied onto the heap per request.
 */
public final class StaticFiles implements HttpHandler {
    private final KvRo kv;
    private final String index;
    private final Key notFound;

    private StaticFiles(KvRo kv, String index, Key notFound) {
        this.kv = kv;
        this.index = index;
        this.notFound = notFound;
    }

    /** Serves {@code kv} with {@code index.html} for dictionaries and {@code 404.html} (if present) for misses. */
    public static StaticFiles of(KvRo kv) { return new StaticFiles(kv, "index.html", Key.of("404.html")); }

    public StaticFiles withIndex(String name) { return new StaticFiles(kv, name, notFound); }

    /** The page sent with 404, or null for a plain one. */
    public StaticFiles withNotFoundPage(Key page) { return new StaticFiles(kv, index, page); }

    @Override
    public HttpResponse handle(HttpRequest request) throws KvException {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return HttpResponse.error(405).header("Allow", "GET, HEAD");
        }
        String path = request.path();
        Prepared p = prepared.get(path);
        if (p != null && plain(request.headers(), p.variants)) {
            HttpResponse r = p.respond(kv);
            if (r != null) return r;
            prepared.remove(path, p);
        }
        Key key = keyOf(path);
        if (key == null) return notFound();
        Optional<KvRo.Kind> kind = kv.kind(key);
        if (kind.isEmpty()) return notFound();
        boolean slash = path.endsWith("/");
        if (kind.get() == KvRo.Kind.DICTIONARY) {
            if (!slash) {
                String q = request.query();
                return HttpResponse.status(301).header("Location", path + "/" + (q == null ? "" : "?" + q));
            }
            key = key.child(index);
            if (kv.kind(key).orElse(null) != KvRo.Kind.VALUE) return notFound();
        } else if (slash) {
            return notFound();
        }
        return serve(request, key);
    }

    private HttpResponse serve(HttpRequest request, Key key) throws KvException {
        String type = MediaTypes.forName(key.name());
        String accept = request.header("Accept-Encoding");
        Key br = key.parent().child(key.name() + ".br");
        Key gz = key.parent().child(key.name() + ".gz");
        boolean hasBr = isValue(br);
        boolean hasGz = isValue(gz);
        Key chosen = key;
        String encoding = null;
        if (accept != null) {
            if (hasBr && accepts(accept, "br")) {
                chosen = br;
                encoding = "br";
            } else if (hasGz && (accepts(accept, "gzip") || accepts(accept, "x-gzip"))) {
                chosen = gz;
                encoding = "gzip";
            }
        }
        Validators v = validators(chosen, encoding);
        long size = v.size;
        Instant modified = v.modified;
        String etag = v.etag;
        String lastModified = v.lastModified;

        // Preconditions, in the order of RFC 9110 §13.2.2.
        String ifMatch = request.header("If-Match");
        if (ifMatch != null && !matches(ifMatch, etag, false)) return withValidators(HttpResponse.status(412), etag, lastModified, hasBr || hasGz);
        if (ifMatch == null && lastModified != null) {
            Instant ius = HttpDates.parse(request.header("If-Unmodified-Since"));
            if (ius != null && modified.getEpochSecond() > ius.getEpochSecond()) {
                return withValidators(HttpResponse.status(412), etag, lastModified, hasBr || hasGz);
            }
        }
        String ifNoneMatch = request.header("If-None-Match");
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag, true)) return withValidators(HttpResponse.status(304), etag, lastModified, hasBr || hasGz);
        } else if (lastModified != null) {
            Instant ims = HttpDates.parse(request.header("If-Modified-Since"));
            if (ims != null && modified.getEpochSecond() <= ims.getEpochSecond()) {
                return withValidators(HttpResponse.status(304), etag, lastModified, hasBr || hasGz);
            }
        }

        ByteBuffer content = kv.get(chosen);
        String rangeHeader = request.header("Range");
        if (rangeHeader != null && ifRangeHolds(request.header("If-Range"), etag, lastModified)) {
            List<ByteRanges.Range> ranges = ByteRanges.parse(rangeHeader, size);
            if (ranges != null && ranges.isEmpty()) {
                HttpResponse r = HttpResponse.status(416).header("Content-Range", "bytes */" + size);
                return withValidators(r, etag, lastModified, hasBr || hasGz);
            }
            if (ranges != null && ranges.size() == 1) {
                ByteRanges.Range range = ranges.getFirst();
                HttpResponse r = HttpResponse.of(206, type, content.slice((int) range.first(), (int) range.length()))
                        .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
                if (encoding != null) r.header("Content-Encoding", encoding);
                return withValidators(r, etag, lastModified, hasBr || hasGz);
            }
            if (ranges != null) {
                HttpResponse r = multipart(content, ranges, size, type, etag);
                if (encoding != null) r.header("Content-Encoding", encoding);
                return withValidators(r, etag, lastModified, hasBr || hasGz);
            }
        }
        HttpResponse r = HttpResponse.of(200, type, content);
        if (encoding != null) r.header("Content-Encoding", encoding);
        withValidators(r, etag, lastModified, hasBr || hasGz);
        if (encoding == null) prepare(request.path(), key, v, r);
        return r;
    }

    // ---- the plain case, prepared ---------------------------------------------------------------

    /**
     * A path's whole 200 response but for the body: its header fields serialized once, checked
     * against the store's size and time on each use, built again at least once a second (so that
     * a precompressed sibling added later is noticed).
     */
    private record Prepared(Key key, long size, Instant modified, byte[] fields, Headers headers, boolean variants, long built) {
        /** The response, or null if the store changed under it. */
        HttpResponse respond(KvRo kv) {
            if (System.nanoTime() - built > REBUILD_NANOS) return null;
            try {
                ByteBuffer content = kv.get(key);
                if (content.remaining() != size || !kv.lastModified(key).equals(modified)) return null;
                return HttpResponse.prepared(200, fields, headers, content);
            } catch (KvException | RuntimeException e) {
                return null; // gone or unreadable: the full path answers properly
            }
        }
    }

    private static final long REBUILD_NANOS = 1_000_000_000L;
    private final java.util.concurrent.ConcurrentHashMap<String, Prepared> prepared = new java.util.concurrent.ConcurrentHashMap<>();

    private void prepare(String path, Key key, Validators v, HttpResponse r) {
        StringBuilder sb = new StringBuilder(160);
        Headers h = r.headers();
        for (int i = 0; i < h.size(); i++) sb.append(h.name(i)).append(": ").append(h.value(i)).append("\r\n");
        sb.append("Content-Length: ").append(r.contentLength()).append("\r\n");
        boolean variants = h.contains("Vary");
        if (prepared.size() >= MAX_CACHED) prepared.clear();
        prepared.put(path, new Prepared(key, v.size, v.modified, sb.toString().getBytes(StandardCharsets.ISO_8859_1), h.copy(),
                variants, System.nanoTime()));
    }

    /**
     * Whether a request asks for nothing but the resource: no precondition, no range, and no
     * Accept-Encoding where there are encoded variants. One pass over the fields.
     */
    private static boolean plain(Headers h, boolean variants) {
        for (int i = 0, n = h.size(); i < n; i++) {
            String name = h.name(i);
            char c = name.charAt(0);
            if (c == 'I' || c == 'i') {
                if (name.length() > 3 && name.regionMatches(true, 0, "If-", 0, 3)) return false;
            } else if (c == 'R' || c == 'r') {
                if (name.equalsIgnoreCase("Range")) return false;
            } else if ((c == 'A' || c == 'a') && variants && name.equalsIgnoreCase("Accept-Encoding")) {
                return false;
            }
        }
        return true;
    }

    /** 206 multipart/byteranges (RFC 9110 §14.6): each part a slice of the stored buffer. */
    private static HttpResponse multipart(ByteBuffer content, List<ByteRanges.Range> ranges, long size, String type, String etag) {
        String boundary = "morgana-" + etag.substring(1, 17) + "-" + Long.toHexString(ranges.size() * 31L + size);
        List<ByteBuffer> parts = new ArrayList<>(ranges.size() * 2 + 1);
        boolean first = true;
        for (ByteRanges.Range range : ranges) {
            String head = (first ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: bytes "
                    + range.first() + "-" + range.last() + "/" + size + "\r\n\r\n";
            first = false;
            parts.add(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            parts.add(content.slice((int) range.first(), (int) range.length()));
        }
        parts.add(ByteBuffer.wrap(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
        return HttpResponse.of(206, "multipart/byteranges; boundary=" + boundary, parts.toArray(ByteBuffer[]::new));
    }

    private static HttpResponse withValidators(HttpResponse r, String etag, String lastModified, boolean vary) {
        r.header("ETag", etag);
        if (lastModified != null) r.header("Last-Modified", lastModified);
        if (r.status() == 200 || r.status() == 206 || r.status() == 416) r.header("Accept-Ranges", "bytes");
        if (vary) r.header("Vary", "Accept-Encoding");
        return r;
    }

    /** A value's validators, kept while its size and time stay the same (the digest may be costly). */
    private record Validators(long size, Instant modified, String etag, String lastModified) {}

    /** Bounded: when full it is cleared, and the validators are computed again as requests come. */
    private static final int MAX_CACHED = 4096;
    private final java.util.concurrent.ConcurrentHashMap<Key, Validators> validators = new java.util.concurrent.ConcurrentHashMap<>();

    private Validators validators(Key key, String encoding) throws KvException {
        long size = kv.size(key);
        Instant modified = kv.lastModified(key);
        Validators v = validators.get(key);
        if (v != null && v.size == size && v.modified.equals(modified)) return v;
        String etag = "\"" + HexFormat.of().formatHex(kv.digest(key), 0, 16) + (encoding == null ? "" : "-" + encoding) + "\"";
        v = new Validators(size, modified, etag, modified.getEpochSecond() > 0 ? HttpDates.format(modified) : null);
        if (validators.size() >= MAX_CACHED) validators.clear();
        validators.put(key, v);
        return v;
    }

    private HttpResponse notFound() throws KvException {
        if (notFound != null && isValue(notFound)) {
            return HttpResponse.of(404, MediaTypes.forName(notFound.name()), kv.get(notFound));
        }
        return HttpResponse.error(404);
    }

    private boolean isValue(Key k) throws KvException {
        return kv.kind(k).orElse(null) == KvRo.Kind.VALUE;
    }

    /** If-Range (RFC 9110 §13.1.5): the range applies only if the validator still matches (strongly). */
    private static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
        if (ifRange == null) return true;
        String v = ifRange.trim();
        if (v.startsWith("\"")) return v.equals(etag);
        if (v.startsWith("W/")) return false;
        return lastModified != null && v.equals(lastModified);
    }

    /** Whether an If-Match/If-None-Match list holds {@code etag} ({@code weak}: W/ prefixes ignored). */
    static boolean matches(String list, String etag, boolean weak) {
        String l = list.trim();
        if (l.equals("*")) return true;
        for (String t : l.split(",")) {
            t = t.trim();
            if (t.startsWith("W/")) {
                if (!weak) continue;
                t = t.substring(2);
            }
            if (t.equals(etag)) return true;
        }
        return false;
    }

    /** Whether Accept-Encoding admits {@code coding} with a non-zero weight (RFC 9110 §12.5.3). */
    static boolean accepts(String acceptEncoding, String coding) {
        double star = -1;
        for (String item : acceptEncoding.split(",")) {
            String[] parts = item.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (name.equals(coding)) return q > 0;
            if (name.equals("*")) star = q;
        }
        return star > 0;
    }

    /**
     * The key a request path names, or null if it names none: percent-decoded as UTF-8; a dot
     * segment, an encoded slash or a NUL never reaches the store.
     */
    static Key keyOf(String path) {
        if (!path.startsWith("/")) return null;
        List<String> segments = new ArrayList<>();
        for (String raw : path.split("/")) {
            if (raw.isEmpty()) continue;
            String s = percentDecode(raw);
            if (s == null || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\0') >= 0 || s.indexOf('\\') >= 0) {
                return null;
            }
            segments.add(s);
        }
        return new Key(segments);
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
