package io.morgana.http;

/** Status codes Morgana sends, with their reason phrases (RFC 9110 §15). */
public final class HttpStatus {
    private HttpStatus() {}

    public static final int CONTINUE = 100, OK = 200, CREATED = 201, NO_CONTENT = 204, PARTIAL_CONTENT = 206,
            MOVED_PERMANENTLY = 301, FOUND = 302, NOT_MODIFIED = 304, BAD_REQUEST = 400, FORBIDDEN = 403,
            NOT_FOUND = 404, METHOD_NOT_ALLOWED = 405, REQUEST_TIMEOUT = 408, LENGTH_REQUIRED = 411,
            PRECONDITION_FAILED = 412, CONTENT_TOO_LARGE = 413, URI_TOO_LONG = 414, RANGE_NOT_SATISFIABLE = 416,
            EXPECTATION_FAILED = 417, HEADERS_TOO_LARGE = 431, INTERNAL_SERVER_ERROR = 500, NOT_IMPLEMENTED = 501,
            SERVICE_UNAVAILABLE = 503, VERSION_NOT_SUPPORTED = 505;

    public static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
