package io.morgana.api;

/** Serves one accepted TCP connection; called on a virtual thread of its own. */
@FunctionalInterface
public interface FlowHandler {
    void handle(Flow flow) throws Exception;
}
