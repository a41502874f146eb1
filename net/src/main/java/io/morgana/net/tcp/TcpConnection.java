package io.morgana.net.tcp;

import static io.morgana.net.tcp.TcpHeader.ACK;
import static io.morgana.net.tcp.TcpHeader.FIN;
import static io.morgana.net.tcp.TcpHeader.PSH;
import static io.morgana.net.tcp.TcpHeader.RST;
import static io.morgana.net.tcp.TcpHeader.SYN;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;

/**
 * One TCP connection as a sans-I/O state machine (RFC 9293 section 3.10). It is driven by its
 * {@link TcpEngine} with segments and timer expiries, and by the application through
 * {@link #write}, {@link #read}, {@link #shutdownOutput}, {@link #close} and {@link #abort}; every
 * call takes the current time and runs on the stack's single loop thread. What it sends goes out
 * through the engine; what the application may now do is told through a {@link Handler}.
 *
 * <p>Mechanisms: window scaling, timestamps with PAWS and RTT measurement (RFC 7323); SACK
 * (RFC 2018) with a scoreboard and RFC 6675 loss recovery, NewReno (RFC 6582) without SACK;
 * pluggable congestion control; RTO per RFC 6298 with backoff and a retry cap; delayed ACKs;
 * Nagle; zero-window probing (persist timer); keepalive; RFC 5961 challenge ACKs; path MTU.
 */
public final class TcpConnection {

    public enum State { SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED }

    /** What the application may now do; all calls come on the loop thread. */
    public interface Handler {
        default void established(TcpConnection c) {}
        /** Data or end of stream is ready to read. */
        default void readable(TcpConnection c) {}
        /** Send-buffer space was freed. */
        default void writable(TcpConnection c) {}
        /** The connection is gone: {@link #error()} says why ({@code null}: orderly). */
        default void closed(TcpConnection c) {}
    }

    static final long NEVER = Long.MAX_VALUE;
    /**
     * Loss probes (tail loss probes, and resends of a retransmission that seems lost) allowed
     * without progress before the retransmission timeout has the last word: on a wire that drops
     * one segment in ten, a single probe or its ACK is lost one time in five, and every RTO costs
     * at least 200 ms and then doubles.
     */
    static final int MAX_PROBES = 4;
    private static final System.Logger LOG = System.getLogger("tcp");
    private static final Handler NO_HANDLER = new Handler() {};

    private final TcpEngine engine;
    private final TcpConfig cfg;
    final int localIp, localPort, remoteIp, remotePort;
    final TcpEngine.Key key;
    /** Set while in a listener's SYN queue or accept queue. */
    TcpListenSocket listener;
    private Handler handler = NO_HANDLER;
    private State state;
    private TcpError error;

    // Send side (RFC 9293 names).
    private int iss, sndUna, sndNxt, sndMax, sndWnd, sndWl1, sndWl2, maxSndWnd;
    private int bufSeq, finSeq;
    private boolean finQueued;
    private final SendBuffer sendBuf;
    private int sndWscale, rcvWscale;
    private boolean wsOn, tsOn, sackOn, offerWs, offerTs, offerSack;
    private final int ourMss;
    private int peerMss = 536, pathMss, smss;
    private boolean noDelay;

    // Receive side.
    private int irs, rcvAdvRight, peerFinSeq, unackedBytes, rcvMss;
    private boolean finReceived, peerFinPending, inputShut, appClosed;
    private final ReceiveBuffer recv;
    private int tsRecent, tsOffset, lastAckSent;

    // Timers and their state.
    private long rackAt = NEVER, ptoAt = NEVER;
    private int ptoUna;
    /** Loss probes sent since SND.UNA last advanced (at most {@link #MAX_PROBES}). */
    private int lossProbes;
    private boolean tlpOutstanding;
    private long rtoAt = NEVER, delAckAt = NEVER, persistAt = NEVER, keepaliveAt = NEVER, closeAt = NEVER;
    private int retries, probes, keepaliveProbes, quickAcks;
    private boolean ackNow, keepalive;
    private long keepaliveIdle, keepaliveInterval;
    private int keepaliveCount;
    long registeredDeadline = NEVER;

    // RTT, congestion control and loss recovery.
    private final RttEstimator rtt;
    private boolean timing;
    private int timedSeq;
    private long timedAt;
    private CongestionControl cc;
    private int dupAcks, recoveryPoint, highRxt, holeEnd;
    private boolean inRecovery, partialAckSeen, softUnreachable;
    private final SackScoreboard board = new SackScoreboard();

    // Counters.
    private long retransmits, fastRetransmits, timeouts, bytesSent, bytesAcked, bytesReceived, segsIn, segsOut;

    TcpConnection(TcpEngine engine, TcpEngine.Key key, int tsOffset) {
        this.engine = engine;
        this.cfg = engine.config();
        this.key = key;
        this.localIp = key.localIp();
        this.localPort = key.localPort();
        this.remoteIp = key.remoteIp();
        this.remotePort = key.remotePort();
        this.sendBuf = new SendBuffer(cfg.sendBuffer(), engine.budget());
        this.recv = new ReceiveBuffer(cfg.receiveBuffer(), engine.budget());
        this.rtt = new RttEstimator(cfg.rtoInitialNanos(), cfg.rtoMinNanos(), cfg.rtoMaxNanos());
        this.ourMss = cfg.mssFromMtu();
        this.pathMss = ourMss;
        this.tsOffset = tsOffset;
        this.quickAcks = cfg.quickAcks();
        this.keepalive = cfg.keepalive();
        this.keepaliveIdle = cfg.keepaliveIdleNanos();
        this.keepaliveInterval = cfg.keepaliveIntervalNanos();
        this.keepaliveCount = cfg.keepaliveProbes();
        this.rcvWscale = scaleFor(cfg.receiveBuffer());
    }

    /** The smallest window-scale shift that lets the window cover {@code buffer} bytes (RFC 7323: at most 14). */
    static int scaleFor(int buffer) {
        int ws = 0;
        while (ws < 14 && (65535L << ws) < buffer) ws++;
        return ws;
    }

    // ---------------------------------------------------------------- opening

    void activeOpen(long now, int iss) {
        this.iss = iss;
        sndUna = iss;
        sndNxt = sndMax = iss + 1;
        bufSeq = iss + 1;
        recoveryPoint = iss;
        offerWs = cfg.windowScaling();
        offerTs = cfg.timestamps();
        offerSack = cfg.sack();
        state = State.SYN_SENT;
        timing = true;
        timedSeq = iss;
        timedAt = now;
        emit(now, iss, SYN, 0, 0);
        rtoAt = now + rtt.rto();
        log("SYN_SENT");
    }

    void passiveOpen(long now, TcpHeader syn, int iss) {
        this.iss = iss;
        sndUna = iss;
        sndNxt = sndMax = iss + 1;
        bufSeq = iss + 1;
        recoveryPoint = iss;
        negotiate(syn, cfg.windowScaling(), cfg.timestamps(), cfg.sack());
        offerWs = wsOn;
        offerTs = tsOn;
        offerSack = sackOn;
        sndWnd = syn.window();
        maxSndWnd = sndWnd;
        sndWl1 = syn.seq();
        sndWl2 = iss;
        state = State.SYN_RECEIVED;
        timing = true;
        timedSeq = iss;
        timedAt = now;
        emit(now, iss, SYN | ACK, 0, 0);
        rtoAt = now + rtt.rto();
        log("SYN_RECEIVED");
    }

    /** A connection rebuilt from a valid SYN cookie: established at once. */
    void cookieOpen(long now, TcpHeader ack, int iss, int mss, int peerWscale, boolean sack) {
        this.iss = iss;
        irs = ack.seq() - 1;
        recv.start(irs + 1);
        sndUna = sndNxt = sndMax = iss + 1;
        recoveryPoint = sndUna;
        bufSeq = iss + 1;
        wsOn = cfg.windowScaling() && peerWscale >= 0;
        sndWscale = wsOn ? peerWscale : 0;
        if (!wsOn) rcvWscale = 0;
        tsOn = cfg.timestamps() && ack.timestamps();
        sackOn = sack && tsOn && cfg.sack();
        if (tsOn) tsRecent = ack.tsVal();
        peerMss = mss;
        smss = computeSmss();
        cc = CongestionControl.create(cfg.congestionControl(), smss);
        sndWnd = ack.window() << sndWscale;
        maxSndWnd = sndWnd;
        sndWl1 = ack.seq();
        sndWl2 = ack.ack();
        rcvAdvRight = irs + 1 + Math.min(recv.space(), 65535);
        state = State.ESTABLISHED;
        log("ESTABLISHED (SYN cookie)");
    }

    private void negotiate(TcpHeader syn, boolean ws, boolean ts, boolean sack) {
        irs = syn.seq();
        recv.start(irs + 1);
        wsOn = ws && syn.windowScale() >= 0;
        sndWscale = wsOn ? syn.windowScale() : 0;
        if (!wsOn) rcvWscale = 0;
        tsOn = ts && syn.timestamps();
        if (tsOn) tsRecent = syn.tsVal();
        sackOn = sack && syn.sackPermitted();
        peerMss = syn.mss() > 0 ? syn.mss() : 536;
        smss = computeSmss();
        cc = CongestionControl.create(cfg.congestionControl(), smss);
    }

    private int computeSmss() {
        return Math.max(64, Math.min(peerMss, pathMss) - (tsOn ? 12 : 0));
    }

    // ---------------------------------------------------------------- application calls

    public State state() { return state; }

    /** Why the connection ended abnormally, or {@code null}. */
    public TcpError error() { return error; }

    public void handler(Handler h) { this.handler = h == null ? NO_HANDLER : h; }

    public int localPort() { return localPort; }
    public int remotePort() { return remotePort; }
    public int localIp() { return localIp; }
    public int remoteIp() { return remoteIp; }

    public void noDelay(boolean on) { noDelay = on; }

    public void keepalive(long now, boolean on) {
        keepalive(now, on ? keepaliveIdle : 0, keepaliveInterval, keepaliveCount);
    }

    /**
     * Keepalive with this connection's own timing: a probe after {@code idleNanos} without a
     * segment from the peer, then every {@code intervalNanos}; {@code probes} unanswered ones end
     * the connection ({@link TcpError#TIMEOUT}). An idle time of 0 or less turns it off.
     */
    public void keepalive(long now, long idleNanos, long intervalNanos, int probes) {
        keepalive = idleNanos > 0;
        if (keepalive) {
            keepaliveIdle = idleNanos;
            keepaliveInterval = Math.max(1, intervalNanos);
            keepaliveCount = Math.max(1, probes);
        }
        keepaliveProbes = 0;
        keepaliveAt = keepalive && state != State.TIME_WAIT && state != State.CLOSED ? now + keepaliveIdle : NEVER;
        engine.reschedule(this);
    }

    /** Whether {@link #write} can queue bytes now (buffer space and the connection allows it). */
    public int writeSpace() { return canWrite() ? sendBuf.free() : 0; }

    private boolean canWrite() {
        return !finQueued && (state == State.ESTABLISHED || state == State.CLOSE_WAIT);
    }

    /**
     * Queues bytes for sending. Returns how many were taken (0 when the buffer is full), or -1
     * when the connection can no longer send (output shut down, closed, reset).
     */
    public int write(long now, ByteBuffer src) {
        if (!canWrite()) return -1;
        int n = sendBuf.append(src);
        if (n > 0) output(now);
        engine.reschedule(this);
        return n;
    }

    /** Bytes ready to read now. */
    public int readable() { return recv.readable(); }

    /** Whether the peer's FIN has been read past (or input was shut down) and no data remains. */
    public boolean atEnd() { return recv.readable() == 0 && (finReceived || inputShut); }

    /**
     * Moves received bytes to {@code dst}: the count, 0 when none are ready yet, or -1 at end of
     * stream. A reset connection has no end of stream: check {@link #error()}.
     */
    public int read(long now, ByteBuffer dst) {
        int n = recv.read(dst);
        if (n > 0) {
            if (state != State.CLOSED && state != State.TIME_WAIT && state != State.SYN_SENT) {
                int cur = Math.max(0, rcvAdvRight - rcvNxt());
                int space = recv.limitSeq() - recv.nextExpected();
                if (space - cur >= Math.min(recv.capacity() / 2, ourMss) && cur < space / 2) {
                    ackNow = true;
                    output(now);
                }
            }
            engine.reschedule(this);
            return n;
        }
        if (atEnd() || (state == State.CLOSED && error == null)) return -1;
        return 0;
    }

    /** Sends FIN after the queued data (half-close); reading goes on. */
    public void shutdownOutput(long now) {
        if (finQueued || state == State.CLOSED) return;
        switch (state) {
            case SYN_SENT -> { terminate(null); return; }
            case ESTABLISHED, SYN_RECEIVED -> setState(State.FIN_WAIT_1);
            case CLOSE_WAIT -> setState(State.LAST_ACK);
            default -> { return; }
        }
        finQueued = true;
        finSeq = bufSeq + sendBuf.size();
        output(now);
        engine.reschedule(this);
    }

    /** Discards unread and further incoming data; {@link #read} returns end of stream. */
    public void shutdownInput(long now) {
        inputShut = true;
        recv.discard();
        engine.reschedule(this);
    }

    /**
     * Closes gracefully: queued data then FIN. Unread received data makes it an abort (RST), as
     * in Linux (RFC 2525 section 2.17); data arriving after close is answered with RST too.
     */
    public void close(long now) {
        if (appClosed) return;
        appClosed = true;
        if (state == State.CLOSED) {
            recv.release();
            return;
        }
        if (recv.readable() > 0 && state != State.TIME_WAIT) {
            abort(now);
            return;
        }
        inputShut = true;
        recv.release();
        shutdownOutput(now);
        if (state == State.FIN_WAIT_2) closeAt = now + cfg.finWait2Nanos();
        engine.reschedule(this);
    }

    /** Resets the connection (RST) and drops all queued data. */
    public void abort(long now) {
        appClosed = true;
        switch (state) {
            case CLOSED -> { recv.release(); return; }
            case SYN_SENT, TIME_WAIT -> { }
            default -> emit(now, sndNxt, RST | ACK, 0, 0);
        }
        terminate(TcpError.ABORTED);
    }

    // ---------------------------------------------------------------- segment arrival

    void input(long now, TcpHeader h, byte[] b, int off, int len) {
        segsIn++;
        keepaliveProbes = 0;
        if (keepalive && state != State.TIME_WAIT) keepaliveAt = now + keepaliveIdle;
        if (state == State.SYN_SENT) {
            synSentInput(now, h);
            return;
        }
        if (state == State.CLOSED) return;
        if (tsOn && h.timestamps() && !h.has(RST) && tsRecent != 0 && Seq.lt(h.tsVal(), tsRecent)) {
            engine.count("tcp.rx.drop.paws");
            ackNow = true;
            output(now);
            return;
        }
        int segLen = len + (h.has(SYN) ? 1 : 0) + (h.has(FIN) ? 1 : 0);
        int rcvNxt = rcvNxt();
        int wnd = Math.max(0, rcvAdvRight - rcvNxt);
        if (!acceptable(h.seq(), segLen, rcvNxt, wnd)) {
            engine.count("tcp.rx.drop.out-of-window");
            if (h.has(RST)) return;
            if (state == State.SYN_RECEIVED && h.has(SYN) && !h.has(ACK) && h.seq() == irs) {
                emit(now, iss, SYN | ACK, 0, 0);
                return;
            }
            if (state == State.TIME_WAIT && h.has(FIN)) closeAt = now + 2 * cfg.mslNanos();
            ackNow = true;
            output(now);
            return;
        }
        if (h.has(RST)) {
            if (h.seq() == rcvNxt) {
                resetReceived();
            } else {
                engine.challengeAck(now, this);
            }
            return;
        }
        if (h.has(SYN)) {
            engine.challengeAck(now, this);
            return;
        }
        if (!h.has(ACK)) return;
        if (tsOn && h.timestamps() && Seq.leq(h.seq(), lastAckSent)) tsRecent = h.tsVal();
        if (state == State.SYN_RECEIVED) {
            if (Seq.gt(h.ack(), sndUna) && Seq.leq(h.ack(), sndMax)) {
                synAcked(now, h);
                setState(finQueued ? State.FIN_WAIT_1 : State.ESTABLISHED);
                boolean passive = listener != null;
                engine.established(this);
                if (!passive) handler.established(this);
                if (state == State.CLOSED) return;
            } else {
                engine.sendReset(localIp, remoteIp, localPort, remotePort, h.ack(), 0, false);
                return;
            }
        } else if (!processAck(now, h, len)) {
            return;
        }
        if (state == State.CLOSED) return;
        if (len > 0) {
            switch (state) {
                case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {
                    if (appClosed) {
                        engine.count("tcp.rx.data-after-close");
                        emit(now, sndNxt, RST | ACK, 0, 0);
                        terminate(TcpError.ABORTED);
                        return;
                    }
                    receiveData(now, h.seq(), b, off, len);
                }
                default -> engine.count("tcp.rx.drop.data-after-fin");
            }
        }
        if (h.has(FIN)) finArrived(now, h.seq() + len);
        else if (peerFinPending && peerFinSeq == recv.nextExpected()) finArrived(now, peerFinSeq);
        output(now);
    }

    private static boolean acceptable(int seq, int segLen, int rcvNxt, int wnd) {
        if (segLen == 0) return wnd == 0 ? seq == rcvNxt : Seq.inRange(seq, rcvNxt, rcvNxt + wnd);
        if (wnd == 0) return false;
        return Seq.inRange(seq, rcvNxt, rcvNxt + wnd) || Seq.inRange(seq + segLen - 1, rcvNxt, rcvNxt + wnd);
    }

    private void synSentInput(long now, TcpHeader h) {
        boolean hasAck = h.has(ACK);
        if (hasAck && (Seq.leq(h.ack(), iss) || Seq.gt(h.ack(), sndMax))) {
            if (!h.has(RST)) engine.sendReset(localIp, remoteIp, localPort, remotePort, h.ack(), 0, false);
            return;
        }
        if (h.has(RST)) {
            if (hasAck) terminate(TcpError.REFUSED);
            return;
        }
        if (!h.has(SYN)) return;
        negotiate(h, offerWs, offerTs, offerSack);
        sndWnd = h.window();
        maxSndWnd = sndWnd;
        sndWl1 = h.seq();
        if (hasAck) {
            synAcked(now, h);
            setState(State.ESTABLISHED);
            ackNow = true;
            output(now);
            handler.established(this);
        } else {
            setState(State.SYN_RECEIVED);
            emit(now, iss, SYN | ACK, 0, 0);
            rtoAt = now + currentRto();
        }
    }

    private void synAcked(long now, TcpHeader h) {
        sndUna = h.ack();
        if (Seq.lt(sndNxt, sndUna)) sndNxt = sndUna;
        sndWnd = h.has(SYN) ? h.window() : h.window() << sndWscale;
        maxSndWnd = Math.max(maxSndWnd, sndWnd);
        sndWl1 = h.seq();
        sndWl2 = h.ack();
        if (timing && retries == 0) rtt.sample(now - timedAt);
        timing = false;
        retries = 0;
        rtoAt = NEVER;
        if (rcvAdvRight == 0 || Seq.lt(rcvAdvRight, rcvNxt())) rcvAdvRight = rcvNxt();
    }

    private void resetReceived() {
        engine.count("tcp.rx.rst");
        if (state == State.SYN_RECEIVED && listener != null) {
            terminate(null);
        } else if (state == State.SYN_RECEIVED) {
            terminate(TcpError.REFUSED);
        } else if (state == State.TIME_WAIT || state == State.LAST_ACK || state == State.CLOSING) {
            terminate(null);
        } else {
            terminate(TcpError.RESET);
        }
    }

    /** Returns false when the segment must be dropped. */
    private boolean processAck(long now, TcpHeader h, int len) {
        int ack = h.ack();
        if (Seq.gt(ack, sndMax) || Seq.lt(ack, sndUna - Math.max(maxSndWnd, 1))) {
            engine.count("tcp.rx.drop.bad-ack");
            engine.challengeAck(now, this);
            return false;
        }
        int newWnd = h.window() << sndWscale;
        int newlySacked = 0;
        if (sackOn) {
            int[] blocks = h.sackBlocks();
            for (int k = 0; k + 1 < blocks.length; k += 2) {
                int s = blocks[k], e = blocks[k + 1];
                if (Seq.gt(s, sndUna) && Seq.lt(s, e) && Seq.leq(e, sndMax) && board.add(s, e)) newlySacked++;
            }
            // Data sent after our last retransmission was SACKed while the hole at SND.UNA stays:
            // that retransmission was lost too; retransmit the holes again (the idea of RACK, RFC 8985).
            if (inRecovery && newlySacked > 0 && ack == sndUna && Seq.gt(board.highestEnd(sndUna), rxtMark) && Seq.gt(highRxt, sndUna)) {
                engine.count("tcp.lost-retransmit");
                retransmitHead(now);
            }
        }
        probes = 0;
        if (Seq.gt(ack, sndUna)) {
            newAck(now, h, ack);
            if (state == State.CLOSED) return false;
            if (sackOn && !inRecovery && board.size() > 0 && sndMax != sndUna && Seq.geq(sndUna, recoveryPoint)) {
                // A cumulative ACK that still leaves SACKed data above a hole.
                if (board.isLost(sndUna, smss)) enterRecovery(now);
                else if (rackAt == NEVER) rackAt = now + Math.max(rtt.srtt() / 4, 1_000_000L);
            }
        } else if (ack == sndUna && sndMax != sndUna && (newlySacked > 0 || (len == 0 && !h.has(FIN) && newWnd == sndWnd))) {
            // A duplicate ACK per RFC 5681, or any ACK SACKing new data (RFC 6675), whatever its
            // window says (receivers that autotune change the window on every ACK).
            dupAck(now, newlySacked > 0);
        }
        if (Seq.lt(sndWl1, h.seq()) || (sndWl1 == h.seq() && Seq.leq(sndWl2, ack))) {
            sndWnd = newWnd;
            sndWl1 = h.seq();
            sndWl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            if (sndWnd > 0) persistAt = NEVER;
        }
        return true;
    }

    private void newAck(long now, TcpHeader h, int ack) {
        int flightBefore = sndMax - sndUna;
        int dataEnd = bufSeq + sendBuf.size();
        int dataAcked = Seq.gt(ack, bufSeq) ? Seq.min(ack, dataEnd) - bufSeq : 0;
        sendBuf.consume(dataAcked);
        bufSeq += dataAcked;
        boolean finAcked = finQueued && Seq.gt(ack, finSeq);
        sndUna = ack;
        if (Seq.lt(sndNxt, ack)) sndNxt = ack;
        if (Seq.lt(highRxt, ack)) highRxt = ack;
        bytesAcked += dataAcked;
        board.removeBelow(ack);
        if (timing && Seq.gt(ack, timedSeq)) {
            rtt.sample(now - timedAt);
            timing = false;
        } else if (tsOn && h.timestamps() && h.tsEcr() != 0) {
            int ms = tsNow(now) - h.tsEcr();
            if (ms >= 0 && ms < 600_000) rtt.sample(Math.max(ms, 1) * 1_000_000L);
        }
        retries = 0;
        if (inRecovery) {
            if (Seq.geq(ack, recoveryPoint)) {
                inRecovery = false;
                dupAcks = 0;
                int flight = sndMax - sndUna;
                if (rtoLoss) {
                    rtoLoss = false;
                    if (dataAcked > 0) cc.onAck(now, dataAcked, flightBefore, rtt.srtt());
                } else {
                    cc.cwnd(sackOn ? cc.ssthresh() : Math.min(cc.ssthresh(), Math.max(flight, smss) + smss));
                }
                cc.onRecoveryEnd(now);
            } else if (rtoLoss) {
                if (dataAcked > 0) cc.onAck(now, dataAcked, flightBefore, rtt.srtt());
            } else if (!sackOn) {
                retransmit(now, sndUna, Math.min(smss, segmentRoom(sndUna)));
                cc.cwnd(cc.cwnd() - dataAcked + (dataAcked >= smss ? smss : 0));
                if (!partialAckSeen) {
                    partialAckSeen = true;
                    rtoAt = now + currentRto();
                }
            }
        } else {
            dupAcks = 0;
            if (dataAcked > 0) cc.onAck(now, dataAcked, flightBefore, rtt.srtt());
        }
        rtoAt = sndUna == sndMax ? NEVER : now + currentRto();
        rackAt = NEVER;
        ptoAt = NEVER;
        tlpOutstanding = false;
        lossProbes = 0;
        if (finAcked) {
            switch (state) {
                case FIN_WAIT_1 -> {
                    setState(State.FIN_WAIT_2);
                    if (appClosed) closeAt = now + cfg.finWait2Nanos();
                }
                case CLOSING -> enterTimeWait(now);
                case LAST_ACK -> { terminate(null); return; }
                default -> { }
            }
        }
        if (dataAcked > 0 && canWrite()) handler.writable(this);
    }

    /** Bytes of sequence space (data, plus FIN) from {@code seq} to the end of what is queued. */
    private int segmentRoom(int seq) {
        int end = bufSeq + sendBuf.size() + (finQueued ? 1 : 0);
        return Math.max(0, end - seq);
    }

    private void dupAck(long now, boolean sackNew) {
        if (!sackOn || sackNew) dupAcks++;
        if (inRecovery) {
            if (!sackOn) cc.cwnd(cc.cwnd() + smss);
            return;
        }
        if ((dupAcks >= 3 || (sackOn && board.isLost(sndUna, smss)) || (tlpOutstanding && sackNew))
                && Seq.geq(sndUna, recoveryPoint)) {
            enterRecovery(now);
            return;
        }
        if (dupAcks <= 2) {
            // Limited transmit (RFC 3042): a new segment per early duplicate ACK keeps the ACK clock going.
            sendOne(now, cc.cwnd() + dupAcks * smss - (sndNxt - sndUna));
        }
        if (sackOn && board.size() > 0 && rackAt == NEVER) {
            // RACK-like (RFC 8985): data sent after the hole arrived; unless the hole fills within a
            // reordering window, it is lost, whatever the count of duplicate ACKs.
            rackAt = now + Math.max(rtt.srtt() / 4, 1_000_000L);
        }
    }

    private void enterRecovery(long now) {
        inRecovery = true;
        partialAckSeen = false;
        recoveryPoint = sndMax;
        fastRetransmits++;
        engine.count("tcp.fast-retransmit");
        // FlightSize (RFC 5681, RFC 6675 step 4.2): all outstanding data, lost or not. The pipe
        // would count a window with several losses as a smaller one and cut twice over.
        cc.onLoss(now, sndMax - sndUna);
        timing = false;
        retransmitHead(now);
        if (!sackOn) cc.cwnd(cc.ssthresh() + 3 * smss);
        rtoAt = now + currentRto();
        if (LOG.isLoggable(Level.DEBUG)) log("fast retransmit at " + Integer.toUnsignedString(sndUna) + " cwnd=" + cc.cwnd());
    }

    /** Resends the segment at SND.UNA (up to the first SACKed byte) whatever the pipe says, as entering recovery does. */
    private void retransmitHead(long now) {
        int len = Math.min(smss, segmentRoom(sndUna));
        if (sackOn) {
            int hole = board.size() > 0 ? Seq.min(board.start(0), sndUna + len) : sndUna + len;
            len = Math.max(1, Math.min(len, hole - sndUna));
        }
        retransmit(now, sndUna, len);
        highRxt = sndUna + len;
    }

    /** RFC 6675 section 4: the sender's estimate of bytes in the network. */
    private int pipe() {
        long pipe = 0;
        int seq = sndUna, i = 0, n = board.size();
        while (Seq.lt(seq, sndMax)) {
            while (i < n && Seq.leq(board.end(i), seq)) i++;
            if (i < n && Seq.leq(board.start(i), seq)) {
                seq = board.end(i++);
                continue;
            }
            int end = i < n ? board.start(i) : sndMax;
            if (rtoLoss && Seq.lt(seq, rtoLostBelow) && Seq.gt(end, rtoLostBelow)) end = rtoLostBelow;
            boolean lost = holeLost(seq, i < n);
            if (!lost) pipe += end - seq;
            if (Seq.gt(highRxt, seq)) pipe += Seq.min(end, highRxt) - seq;
            seq = end;
        }
        return (int) Math.min(Integer.MAX_VALUE, pipe);
    }

    /** RFC 6675 NextSeg rule 1: the first lost, not yet retransmitted byte, or -1 (hole end in {@link #holeEnd}). */
    private boolean nextLost() {
        int seq = Seq.max(highRxt, sndUna), i = 0, n = board.size();
        while (Seq.lt(seq, sndMax)) {
            while (i < n && Seq.leq(board.end(i), seq)) i++;
            if (i < n && Seq.leq(board.start(i), seq)) {
                seq = board.end(i++);
                continue;
            }
            if (!holeLost(seq, i < n)) return false;
            highRxtCandidate = seq;
            holeEnd = i < n ? board.start(i) : sndMax;
            // A hole lost by the RTO ends where the RTO's loss ends; one above it, lost by SACK, at the next
            // SACK block (clamping that one too gave an empty retransmission, and sackRecoverySend spun).
            if (rtoLoss && Seq.lt(seq, rtoLostBelow) && Seq.gt(holeEnd, rtoLostBelow)) holeEnd = rtoLostBelow;
            return true;
        }
        return false;
    }

    /** A hole starting at {@code seq} is lost: SACKed data above it says so, or an RTO declared everything then outstanding lost. */
    private boolean holeLost(int seq, boolean sackedAbove) {
        return (rtoLoss && Seq.lt(seq, rtoLostBelow)) || (sackedAbove && board.isLost(seq, smss));
    }

    private int highRxtCandidate;
    /** After an RTO with SACK: everything unSACKed below {@link #rtoLostBelow} is lost (Linux's loss state). */
    private boolean rtoLoss;
    private int rtoLostBelow;
    /** SND.MAX when we last retransmitted: a SACK above it proves later data got through. */
    private int rxtMark;

    private void receiveData(long now, int seq, byte[] b, int off, int len) {
        int next = recv.nextExpected();
        if (Seq.lt(seq, next)) {
            int skip = next - seq;
            off += skip;
            len -= skip;
            seq = next;
        }
        if (Seq.gt(seq + len, rcvAdvRight)) len = rcvAdvRight - seq;
        if (len <= 0) {
            ackNow = true;
            return;
        }
        boolean outOfOrder = seq != next, hadHoles = recv.hasOutOfOrder();
        int advanced = recv.write(seq, b, off, len);
        if (advanced < 0) {
            engine.count("tcp.rx.drop.memory");
            ackNow = true;
            return;
        }
        bytesReceived += advanced;
        rcvMss = Math.max(rcvMss, Math.min(len, ourMss));
        if (outOfOrder || hadHoles) {
            ackNow = true;
            if (outOfOrder) engine.count("tcp.rx.out-of-order");
            // Like Linux's quick-ACK mode after a loss: ACK the next segments at once too, so a
            // sender in recovery (whose window is small) is not left waiting on our ACK timer.
            quickAcks = Math.max(quickAcks, Math.min(cfg.quickAcks(), Math.max(2, recv.capacity() / (2 * Math.max(rcvMss, 536)))));
        } else {
            unackedBytes += len;
            if (quickAcks > 0) {
                quickAcks--;
                ackNow = true;
            } else if (unackedBytes >= 2 * rcvMss) {
                ackNow = true;
            } else if (delAckAt == NEVER) {
                delAckAt = now + cfg.delayedAckNanos();
            }
        }
        if (advanced > 0) {
            if (inputShut) recv.discard();
            else handler.readable(this);
        }
    }

    private void finArrived(long now, int seq) {
        ackNow = true;
        if (finReceived) return;
        if (seq != recv.nextExpected()) {
            if (Seq.leq(seq, rcvAdvRight)) {
                peerFinPending = true;
                peerFinSeq = seq;
            }
            return;
        }
        finReceived = true;
        peerFinPending = false;
        switch (state) {
            case ESTABLISHED -> setState(State.CLOSE_WAIT);
            case FIN_WAIT_1 -> setState(State.CLOSING);
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> { }
        }
        handler.readable(this);
    }

    private void enterTimeWait(long now) {
        setState(State.TIME_WAIT);
        if (LOG.isLoggable(Level.DEBUG)) log("done: " + info());
        closeAt = now + 2 * cfg.mslNanos();
        rtoAt = persistAt = keepaliveAt = delAckAt = NEVER;
        sendBuf.release();
        handler.closed(this);
    }

    int rcvNxt() { return recv.nextExpected() + (finReceived ? 1 : 0); }

    // ---------------------------------------------------------------- sending

    /** Sends what the windows, Nagle and loss recovery allow, then any owed ACK, and arms timers. */
    void output(long now) {
        switch (state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> {
                if (inRecovery && sackOn) {
                    sackRecoverySend(now);
                } else {
                    while (sendOne(now, cc.cwnd() - (sndNxt - sndUna)) > 0) { }
                }
            }
            default -> { }
        }
        if (ackNow) sendAck(now);
        armTimers(now);
    }

    private void sackRecoverySend(long now) {
        int pipe = pipe();
        while (cc.cwnd() - pipe >= smss) {
            if (nextLost()) {
                int seq = highRxtCandidate;
                int len = Math.min(smss, holeEnd - seq);
                if (len <= 0) break; // never loop on an empty hole: a peer's SACKs must not be able to spin the stack
                retransmit(now, seq, len);
                highRxt = seq + len;
                pipe += len;
            } else {
                int sent = sendOne(now, cc.cwnd() - pipe);
                if (sent == 0) break;
                pipe += sent;
            }
        }
    }

    /** Sends one new (or gone-back-to) segment at SND.NXT; returns the sequence space used. */
    private int sendOne(long now, int cwndRoom) {
        int sackLimit = Integer.MAX_VALUE;
        if (Seq.lt(sndNxt, sndMax) && board.size() > 0) {
            int idx = board.find(sndNxt);
            if (idx >= 0) sndNxt = Seq.min(board.end(idx), sndMax);
            int next = board.nextStartAfter(sndNxt, sndMax);
            if (Seq.lt(next, sndMax)) sackLimit = next - sndNxt;
        }
        int offset = sndNxt - bufSeq;
        int available = Math.min(sendBuf.size() - offset, sackLimit);
        if (available > 0) {
            int wndRoom = sndUna + sndWnd - sndNxt;
            int room = Math.min(wndRoom, cwndRoom);
            int len = Math.min(Math.min(available, maxSegment()), room);
            if (len <= 0) return 0;
            boolean idle = sndNxt == sndUna;
            boolean ok = len >= smss
                    || Seq.lt(sndNxt, sndMax)
                    || (len == available && (noDelay || idle || finQueued))
                    || (idle && room < Math.min(available, smss))
                    || (maxSndWnd > 0 && len >= maxSndWnd / 2);
            if (!ok) return 0;
            boolean fin = finQueued && sndNxt + len == finSeq;
            emitData(now, sndNxt, len, fin);
            return len + (fin ? 1 : 0);
        }
        if (finQueued && sndNxt == finSeq) {
            emitData(now, sndNxt, 0, true);
            return 1;
        }
        return 0;
    }

    private void emitData(long now, int seq, int len, boolean fin) {
        boolean rexmit = Seq.lt(seq, sndMax);
        if (rexmit) {
            retransmits++;
            engine.count("tcp.tx.retransmit");
            timing = false;
        } else if (!timing && len > 0) {
            timing = true;
            timedSeq = seq;
            timedAt = now;
        }
        int flags = ACK | (fin ? FIN : 0) | (len > 0 && seq + len == bufSeq + sendBuf.size() ? PSH : 0);
        emit(now, seq, flags, seq - bufSeq, len);
        int end = seq + len + (fin ? 1 : 0);
        if (Seq.gt(end, sndNxt)) sndNxt = end;
        if (Seq.gt(end, sndMax)) sndMax = end;
        if (!rexmit) bytesSent += len;
        if (rtoAt == NEVER) rtoAt = now + currentRto();
    }

    /**
     * The most data one new segment carries: SMSS, or with the link's segmentation offload a
     * super-segment of whole SMSS (the link cuts it into full segments and a tail).
     */
    private int maxSegment() {
        return engine.segmentationOffload() ? Math.max(smss, TcpEngine.MAX_SUPER_PAYLOAD / smss * smss) : smss;
    }

    private void retransmit(long now, int seq, int len) {
        rxtMark = sndMax;
        int dataLen = Math.max(0, Math.min(len, bufSeq + sendBuf.size() - seq));
        boolean fin = finQueued && seq + dataLen == finSeq && len > dataLen;
        retransmits++;
        engine.count("tcp.tx.retransmit");
        timing = false;
        emit(now, seq, ACK | (fin ? FIN : 0), seq - bufSeq, dataLen);
    }

    private void sendAck(long now) {
        switch (state) {
            case SYN_SENT, CLOSED -> ackNow = false;
            default -> emit(now, sndNxt, ACK, 0, 0);
        }
    }

    /** A challenge ACK (RFC 5961), sent when the engine's rate limit allows. */
    void challengeAckNow(long now) { emit(now, sndNxt, ACK, 0, 0); }

    private void emit(long now, int seq, int flags, int bufOffset, int len) {
        boolean syn = (flags & SYN) != 0;
        boolean hasAck = (flags & ACK) != 0;
        int window = syn ? Math.min(recv.space(), 65535) : windowField();
        if (syn && hasAck) {
            int right = irs + 1 + window;
            if (rcvAdvRight == 0 || Seq.gt(right, rcvAdvRight)) rcvAdvRight = right;
        }
        boolean ts = syn ? offerTs : tsOn;
        int[] sack = !syn && sackOn && len == 0 && (flags & RST) == 0 ? recv.sackBlocks(tsOn ? 3 : 4) : TcpHeader.NO_SACK;
        int rn = rcvNxt();
        TcpHeader h = new TcpHeader(localPort, remotePort, seq, hasAck ? rn : 0, flags, window, 0,
                syn ? ourMss : -1, syn && offerWs ? rcvWscale : -1, syn && offerSack, ts, tsNow(now),
                hasAck ? tsRecent : 0, sack, 0);
        engine.transmit(this, h, sendBuf, bufOffset, len, smss);
        segsOut++;
        if (hasAck) {
            lastAckSent = rn;
            ackNow = false;
            delAckAt = NEVER;
            unackedBytes = 0;
        }
    }

    /** The window field to advertise: never shrinks the right edge, holds back small increases (RFC 9293 3.8.6.2.2). */
    private int windowField() {
        int rn = rcvNxt();
        int cur = Math.max(0, rcvAdvRight - rn);
        int space = Math.max(0, recv.limitSeq() - recv.nextExpected());
        if (appClosed || inputShut) space = Math.max(space, recv.capacity());
        space = (int) Math.min(space, 65535L << rcvWscale);
        int wnd = space;
        if (wnd < cur || (wnd - cur < Math.min(recv.capacity() / 2, ourMss) && cur > 0)) wnd = cur;
        int field = wnd >>> rcvWscale;
        if ((field << rcvWscale) < cur) field = (cur + (1 << rcvWscale) - 1) >>> rcvWscale;
        field = Math.min(field, 65535);
        int right = rn + (field << rcvWscale);
        if (Seq.gt(right, rcvAdvRight)) rcvAdvRight = right;
        return field;
    }

    private int tsNow(long now) { return (int) (now / 1_000_000L) + tsOffset; }

    private long currentRto() { return Math.min(rtt.rto() << Math.min(retries, 20), cfg.rtoMaxNanos()); }

    private void armTimers(long now) {
        if (state == State.TIME_WAIT || state == State.CLOSED) return;
        if (sndMax != sndUna) {
            if (rtoAt == NEVER) rtoAt = now + currentRto();
            persistAt = NEVER;
            if (ptoAt == NEVER && lossProbes < MAX_PROBES && sackOn && rtt.measured()) {
                // RFC 8985 section 7.2: two round trips, plus the peer's delayed-ACK time when a
                // single segment is out and nothing forces an immediate ACK.
                long pto = 2 * rtt.srtt() + 1_000_000L + (!inRecovery && sndMax - sndUna <= smss ? cfg.delayedAckNanos() : 0);
                if (now + pto < rtoAt) {
                    ptoAt = now + pto;
                    ptoUna = sndUna;
                }
            }
        } else {
            ptoAt = NEVER;
            rtoAt = state == State.SYN_SENT || state == State.SYN_RECEIVED ? rtoAt : NEVER;
            boolean pending = sendBuf.size() - (sndNxt - bufSeq) > 0;
            if (pending && sndWnd == 0) {
                if (persistAt == NEVER) persistAt = now + Math.min(rtt.rto() << Math.min(probes, 20), cfg.rtoMaxNanos());
            } else {
                persistAt = NEVER;
            }
        }
    }

    // ---------------------------------------------------------------- timers

    long nextDeadline() {
        return Math.min(Math.min(Math.min(rtoAt, delAckAt), Math.min(Math.min(persistAt, keepaliveAt), closeAt)), Math.min(rackAt, ptoAt));
    }

    void onTimer(long now) {
        if (state == State.CLOSED) return;
        if (closeAt <= now) {
            closeAt = NEVER;
            if (state == State.TIME_WAIT || state == State.FIN_WAIT_2) {
                terminate(null);
                return;
            }
        }
        if (rtoAt <= now) {
            rtoAt = NEVER;
            ptoAt = NEVER;
            rackAt = NEVER;
            retransmitTimeout(now);
            if (state == State.CLOSED) return;
        }
        if (rackAt <= now) {
            rackAt = NEVER;
            if (!inRecovery && board.size() > 0 && sndMax != sndUna && Seq.geq(sndUna, recoveryPoint)) {
                engine.count("tcp.rack-recovery");
                enterRecovery(now);
            }
        }
        if (ptoAt <= now) {
            ptoAt = NEVER;
            tailLossProbe(now);
        }
        if (persistAt <= now) {
            persistAt = NEVER;
            if (++probes > cfg.maxRetries()) {
                terminate(TcpError.TIMEOUT);
                return;
            }
            engine.count("tcp.tx.window-probe");
            emit(now, sndUna - 1, ACK, 0, 0);
            persistAt = now + Math.min(rtt.rto() << Math.min(probes, 20), cfg.rtoMaxNanos());
        }
        if (keepaliveAt <= now) {
            keepaliveAt = NEVER;
            if (keepalive && (state == State.ESTABLISHED || state == State.CLOSE_WAIT)) {
                if (++keepaliveProbes > keepaliveCount) {
                    terminate(TcpError.TIMEOUT);
                    return;
                }
                engine.count("tcp.tx.keepalive");
                emit(now, sndUna - 1, ACK, 0, 0);
                keepaliveAt = now + keepaliveInterval;
            }
        }
        if (delAckAt <= now) {
            delAckAt = NEVER;
            ackNow = true;
        }
        output(now);
    }

    /**
     * Tail loss probe (RFC 8985 section 7): no ACK for two round trips with data outstanding;
     * send one new segment, or resend the last one, so that a loss at the tail is reported by SACK
     * and repaired by fast recovery instead of waiting for the retransmission timeout.
     */
    private void tailLossProbe(long now) {
        if (sndMax == sndUna || state == State.CLOSED) return;
        if (inRecovery) {
            // In recovery (after fast retransmit or a timeout) the same timer catches a lost
            // retransmission that no later SACK exposed: two round trips without progress at
            // SND.UNA after resending it. The timeout stays armed, backed off as it was.
            if (sndUna == ptoUna) {
                lossProbes++;
                engine.count("tcp.lost-retransmit");
                retransmitHead(now);
            }
            return;
        }
        lossProbes++;
        tlpOutstanding = true;
        engine.count("tcp.tlp");
        if (sendOne(now, Integer.MAX_VALUE) == 0) {
            int end = sndMax;
            int seq = Seq.max(sndUna, end - smss - (finQueued && Seq.gt(end, finSeq) ? 1 : 0));
            retransmit(now, seq, end - seq);
        }
        if (lossProbes == 1) rtoAt = now + currentRto();
    }

    private void retransmitTimeout(long now) {
        timeouts++;
        engine.count("tcp.rto");
        retries++;
        boolean handshake = state == State.SYN_SENT || state == State.SYN_RECEIVED;
        if (retries > (handshake ? cfg.synRetries() : cfg.maxRetries())) {
            terminate(softUnreachable ? TcpError.UNREACHABLE : TcpError.TIMEOUT);
            return;
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            log("RTO #" + retries + " una=" + Integer.toUnsignedString(sndUna) + " rto=" + currentRto() / 1_000_000 + "ms flight="
                    + (sndMax - sndUna) + " sacked-ranges=" + board.size() + (inRecovery ? " in recovery" : "") + " after "
                    + lossProbes + " probes, srtt=" + rtt.srtt() / 1000 + "us");
        }
        timing = false;
        if (handshake) {
            retransmits++;
            emit(now, iss, state == State.SYN_SENT ? SYN : SYN | ACK, 0, 0);
            rtoAt = now + currentRto();
            return;
        }
        lossProbes = 0;
        if (retries == 1) cc.onTimeout(now, sndMax - sndUna);
        else cc.cwnd(smss);
        if (sackOn) {
            // Everything outstanding and not SACKed is lost; resend it hole by hole under the pipe
            // rule, slow-starting from one segment, and let later losses be repaired the same way.
            inRecovery = true;
            rtoLoss = true;
            rtoLostBelow = sndMax;
            recoveryPoint = sndMax;
            dupAcks = 0;
            highRxt = sndUna;
            rtoAt = now + currentRto();
            sackRecoverySend(now);
            rtoAt = now + currentRto();
            return;
        }
        inRecovery = false;
        recoveryPoint = sndMax;
        // Like Linux, keep what the peer SACKed: going back N skips it (RFC 6675 section 5.1).
        dupAcks = 0;
        highRxt = sndUna;
        sndNxt = sndUna;
        rtoAt = now + currentRto();
        sendOne(now, smss);
        rtoAt = now + currentRto();
    }

    // ---------------------------------------------------------------- ICMP

    /** ICMP frag-needed for a segment we sent with sequence number {@code seq} (RFC 1191, RFC 5927 checks). */
    void fragmentationNeeded(long now, int seq, int mtu) {
        if (state == State.CLOSED || state == State.TIME_WAIT) return;
        if (!Seq.inRange(seq, sndUna, sndMax)) {
            engine.count("tcp.icmp.drop.stale");
            return;
        }
        int newMss = Math.max(mtu <= 0 ? 536 : mtu - 40, 88);
        if (newMss >= pathMss) return;
        pathMss = newMss;
        smss = computeSmss();
        if (cc != null) cc.smss(smss);
        engine.count("tcp.pmtu.update");
        log("path MTU " + mtu + ", segment size now " + smss);
        if (state != State.SYN_SENT && state != State.SYN_RECEIVED) {
            sndNxt = sndUna;
            while (sendOne(now, Math.max(cc.cwnd(), 2 * smss) - (sndNxt - sndUna)) > 0) { }
            armTimers(now);
        }
        engine.reschedule(this);
    }

    /**
     * ICMP unreachable: a connection attempt ends at once with {@code hard} (port/protocol
     * unreachable: refused; the next hop did not resolve: unreachable); otherwise it is remembered
     * and a later timeout reports the connection unreachable (RFC 1122 soft errors).
     */
    void unreachable(long now, int seq, TcpError hard) {
        if (!Seq.inRange(seq, sndUna, sndMax)) {
            engine.count("tcp.icmp.drop.stale");
            return;
        }
        if (state == State.SYN_SENT && hard != null) {
            terminate(hard);
        } else {
            softUnreachable = true;
        }
    }

    // ---------------------------------------------------------------- end

    void terminate(TcpError why) {
        if (state == State.CLOSED) return;
        State old = state;
        state = State.CLOSED;
        error = why;
        rtoAt = delAckAt = persistAt = keepaliveAt = closeAt = NEVER;
        sendBuf.release();
        if (appClosed || why != null) recv.release();
        if (LOG.isLoggable(Level.DEBUG)) log("CLOSED from " + old + (why == null ? "" : " (" + why + ")") + ": " + info());
        engine.removed(this, old);
        handler.closed(this);
    }

    int iss() { return iss; }
    int sndNxt() { return sndNxt; }
    int sndUna() { return sndUna; }
    int sndMax() { return sndMax; }
    boolean rtoLoss() { return rtoLoss; }
    int tsRecent() { return tsRecent; }
    boolean timestampsOn() { return tsOn; }
    boolean appClosed() { return appClosed; }
    long bufferedBytes() { return sendBuf.allocated() + recv.allocated(); }

    private void setState(State s) {
        if (LOG.isLoggable(Level.DEBUG)) log(state + " -> " + s);
        state = s;
    }

    private void log(String what) {
        LOG.log(Level.DEBUG, () -> this + " " + what);
    }

    public TcpInfo info() {
        int rw = Math.max(0, rcvAdvRight - rcvNxt());
        return new TcpInfo(String.valueOf(state), TcpEngine.ip(localIp) + ":" + localPort, TcpEngine.ip(remoteIp) + ":" + remotePort,
                rtt.srtt(), rtt.rttvar(), currentRto(), cc == null ? 0 : cc.cwnd(), cc == null ? 0 : cc.ssthresh(), smss,
                sndWnd, rw, sndMax - sndUna, retransmits, fastRetransmits, timeouts, bytesSent, bytesAcked, bytesReceived,
                segsIn, segsOut, sackOn, tsOn, sndWscale, rcvWscale, cc == null ? cfg.congestionControl() : cc.name());
    }

    @Override public String toString() {
        return TcpEngine.ip(localIp) + ":" + localPort + "<->" + TcpEngine.ip(remoteIp) + ":" + remotePort;
    }
}
