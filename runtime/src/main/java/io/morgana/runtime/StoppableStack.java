package io.morgana.runtime;

import java.time.Duration;

/**
 * Optional for a target's {@link io.morgana.api.Stack}: lets the runtime stop it gracefully on
 * SIGTERM/SIGINT. The runtime calls {@link #stopAccepting}, waits up to {@code --stop-grace} in
 * {@link #awaitFlowsDone}, then {@link #abortFlows} what is left, and finally closes the stack
 * (registered with {@link Boot#onShutdown}).
 */
public interface StoppableStack {

    /** Closes every listener: blocked accepts fail, new connections are refused. */
    void stopAccepting();

    /** Waits until no connection is open or {@code grace} passes; returns whether none is open. */
    boolean awaitFlowsDone(Duration grace) throws InterruptedException;

    /** Cuts the connections still open (reset). */
    void abortFlows();
}
