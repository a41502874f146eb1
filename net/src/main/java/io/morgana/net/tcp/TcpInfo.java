package io.morgana.net.tcp;

/**
 * A snapshot of one connection for operators and appliances (like Linux's {@code tcp_info}).
 * Times are nanoseconds; windows and sizes bytes.
 */
public record TcpInfo(String state, String local, String remote, long srtt, long rttvar, long rto, int cwnd,
                      int ssthresh, int smss, int sendWindow, int receiveWindow, int unacked, long retransmits,
                      long fastRetransmits, long timeouts, long bytesSent, long bytesAcked, long bytesReceived,
                      long segmentsIn, long segmentsOut, boolean sack, boolean timestamps, int sendScale,
                      int receiveScale, String congestionControl) {}
