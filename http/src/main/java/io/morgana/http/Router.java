package io.morgana.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sends each request to a handler by method and path: exact paths first, then the longest
 * matching prefix, then the fallback (404 unless set). A path known under other methods only is
 * answered 405 with {@code Allow}.
 *
 * <pre>{@code
 * Router router = Router.create()
 *         .get("/health", req -> HttpResponse.text(200, "ok\n"))
 *         .prefix("/", StaticFiles.of(kv));
 * }</pre>
 */
public final class Router implements HttpHandler {
    private final Map<String, Map<String, HttpHandler>> exact = new LinkedHashMap<>();
    private final List<Map.Entry<String, HttpHandler>> prefixes = new ArrayList<>();
    private HttpHandler fallback = request -> HttpResponse.error(404);

    private Router() {}

    public static Router create() { return new Router(); }

    /** {@code method} on exactly {@code path}. */
    public Router route(String method, String path, HttpHandler handler) {
        exact.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
        if (method.equals("GET")) exact.get(path).putIfAbsent("HEAD", handler);
        return this;
    }

    /** GET (and so HEAD) on exactly {@code path}. */
    public Router get(String path, HttpHandler handler) { return route("GET", path, handler); }

    public Router post(String path, HttpHandler handler) { return route("POST", path, handler); }

    /** Any method on paths starting with {@code prefix}; the longest prefix wins. */
    public Router prefix(String prefix, HttpHandler handler) {
        prefixes.add(Map.entry(prefix, handler));
        prefixes.sort((a, b) -> b.getKey().length() - a.getKey().length());
        return this;
    }

    /** What answers when nothing else matches. */
    public Router fallback(HttpHandler handler) {
        fallback = handler;
        return this;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws Exception {
        Map<String, HttpHandler> byMethod = exact.get(request.path());
        if (byMethod != null) {
            HttpHandler h = byMethod.get(request.method());
            if (h != null) return h.handle(request);
            return HttpResponse.error(405).header("Allow", String.join(", ", new TreeSet<>(byMethod.keySet())));
        }
        for (Map.Entry<String, HttpHandler> e : prefixes) {
            if (request.path().startsWith(e.getKey())) return e.getValue().handle(request);
        }
        return fallback.handle(request);
    }
}
