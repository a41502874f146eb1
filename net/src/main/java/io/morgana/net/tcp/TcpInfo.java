package io.morgana.net.tcp;

import io.morgana.api.Endpoint;
import io.morgana.api.FlowInfo;
import java.time.Duration;

/**
 * A snapshot of one connection for operators and appliances (like Linux's {@code tcp_info}).
 * Times are nanoseconds; windows and sizes bytes.
 */
public record TcpInfo(String state, String local, String remote, long srtt, long rttvar, long rto, int cwnd,
                      int ssthresh, int smss, int sendWindow, int receiveWindow, int unacked, long retransmits,
                      long fastRetransmits, long timeouts, long bytesSent, long bytesAcked, long bytesReceived,
                      long segmentsIn, long segmentsOut, boolean sack, boolean timestamps, int sendScale,
                      int receiveScale, String congestionControl) {

    /** The API's view of this snapshot (the RTT is zero until first measured). */
    public FlowInfo toFlowInfo(Endpoint localAddress, Endpoint remoteAddress) {
        return new FlowInfo(state, localAddress, remoteAddress, bytesSent, bytesAcked, bytesReceived, segmentsOut, segmentsIn,
                retransmits, fastRetransmits, timeouts, Duration.ofNanos(srtt), Duration.ofNanos(rttvar),
                Duration.ofNanos(rto), smss, cwnd, ssthresh, unacked, sendWindow, receiveWindow, congestionControl);
    }

    /** One line for {@code -l tcp:debug}: the API's figures, then the negotiated options. */
    @Override public String toString() {
        return toFlowInfo(Endpoint.parse(local), Endpoint.parse(remote)) + ", sack " + (sack ? "on" : "off") + ", timestamps "
                + (timestamps ? "on" : "off") + ", window scale " + sendScale + " out / " + receiveScale + " in";
    }
}
