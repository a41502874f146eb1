/**
 * Morgana's TCP: a sans-I/O engine ({@link io.morgana.net.tcp.TcpEngine},
 * {@link io.morgana.net.tcp.TcpConnection}) and the blocking {@code Tcp}/{@code Flow} API over it
 * on the stack's event loop ({@link io.morgana.net.tcp.TcpService}).
 *
 * <h2>Implemented mechanisms</h2>
 * <ul>
 *   <li>RFC 9293 connection life: active, passive and simultaneous open; simultaneous close;
 *       half-close; RST handling; TIME_WAIT of 2·MSL (MSL 30 s, configurable) with reuse of the
 *       4-tuple by a newer SYN (RFC 6191: higher timestamp, else higher sequence number, and an
 *       ISN above the old connection's); FIN_WAIT_2 timeout (60 s, like Linux) after close.</li>
 *   <li>Listen backlog bounding the SYN queue and the accept queue; SYN cookies when the SYN
 *       queue is full (MSS in 3 bits, window scale and SACK in the timestamp's low bits, 24-bit
 *       SipHash MAC over the 4-tuple, the peer's ISN and a 64-s counter).</li>
 *   <li>RFC 6056 algorithm 3 ephemeral ports (32768–60999); RFC 6528 ISNs (SipHash-2-4 under a
 *       boot-time random key plus a 4 µs clock).</li>
 *   <li>Options: MSS from the MTU, honouring the peer's (RFC 6691 accounting for timestamps);
 *       window scaling, timestamps with PAWS and RTT measurement (RFC 7323); SACK-permitted and
 *       SACK blocks (RFC 2018; the block with the latest arrival first).</li>
 *   <li>Loss recovery: RFC 6675 with a sender scoreboard (IsLost, pipe, NextSeg rules 1–2);
 *       NewReno (RFC 6582) without SACK; limited transmit (RFC 3042); loss probes and a
 *       reordering timer in the spirit of RACK-TLP (RFC 8985, simplified: no per-segment send
 *       times): up to four probes (PTO 2·SRTT + 1 ms, plus 40 ms for a lone segment) at the tail,
 *       and the same timer resends a retransmission that seems lost, in recovery and after a
 *       timeout; lost-retransmission detection by SACK; the scoreboard survives an RTO.</li>
 *   <li>Congestion control behind {@link io.morgana.net.tcp.CongestionControl}: Reno (RFC 5681
 *       with RFC 3465 byte counting) and CUBIC (RFC 9438, the default); initial window per
 *       RFC 6928.</li>
 *   <li>RTO per RFC 6298 (initial 1 s, floor 200 ms like Linux, ceiling 120 s), Karn's rule,
 *       exponential backoff, 15 retries (6 for SYN).</li>
 *   <li>Delayed ACK: every second full segment, else within 40 ms; immediate for out-of-order
 *       data, a filled hole, a FIN, the first 16 segments, and again up to 16 segments after
 *       out-of-order data (Linux's quick-ACK mode, so a sender in recovery is not held up).</li>
 *   <li>Nagle (RFC 9293 3.7.4) with a no-delay switch; sender and receiver silly-window
 *       avoidance; the right window edge never shrinks.</li>
 *   <li>Persist timer: zero-window probes with backoff for as long as the peer answers.</li>
 *   <li>Keepalive (off by default; 2 h, 75 s, 9 probes).</li>
 *   <li>RFC 5961: challenge ACKs for in-window RSTs, SYNs on synchronized connections and
 *       out-of-range ACKs, 1000 per second for the stack.</li>
 *   <li>Path MTU: ICMP frag-needed checked against the unacknowledged range (RFC 5927), the
 *       segment size lowered and the flight resent; segments go out with DF.</li>
 *   <li>Bounds: connections (16384), per-connection send and receive buffers (1 MiB each by
 *       default, growing on demand), all buffers together (256 MiB), 32 out-of-order ranges,
 *       64 scoreboard ranges; memory shortage drops a segment (counted), never throws.</li>
 *   <li>The blocking API: a read, write, accept or connect that must wait is posted to the loop
 *       once and stays there until it can be answered (data, room, a connection, the handshake)
 *       or its timeout passes; the waiting thread is woken once. Closing a flow from another
 *       thread ends its blocked read or write ({@code AsynchronousCloseException}); an
 *       interrupted read still returns what the loop had already given it, so no data is lost.
 *       Called on the loop's own thread, where it would wait for itself, each of them throws
 *       {@code IllegalStateException}.</li>
 * </ul>
 * Not implemented: urgent data (ignored, delivered inline), ECN, D-SACK, TCP Fast Open, MD5/AO.
 */
package io.morgana.net.tcp;
