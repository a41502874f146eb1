package io.morgana.net.tcp;

/** Why a connection ended other than by an orderly close. */
public enum TcpError {
    /** The peer answered our SYN with a RST, or ICMP said port/protocol unreachable. */
    REFUSED,
    /** The peer reset an established connection. */
    RESET,
    /** Retransmissions (or keepalive/zero-window probes) went unanswered too long. */
    TIMEOUT,
    /** ICMP said the network or host is unreachable, and the connection timed out. */
    UNREACHABLE,
    /** We aborted it (application abort, data after close, listener closed, memory). */
    ABORTED
}
