package io.morgana.http;

/**
 * Answers one request. Called on the connection's virtual thread, so it may block (read the body,
 * ask a key-value store). Throwing an {@link HttpException} answers with its status; any other
 * exception answers 500 and is logged under {@code http}. Either way the connection then closes.
 */
@FunctionalInterface
public interface HttpHandler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
