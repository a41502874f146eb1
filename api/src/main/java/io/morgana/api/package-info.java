/**
 * The device interfaces and value types a Morgana appliance is written against: {@link
 * io.morgana.api.Stack} (TCP and UDP), {@link io.morgana.api.KvRo}/{@link io.morgana.api.KvRw},
 * {@link io.morgana.api.Block}, {@link io.morgana.api.Clock}, {@link io.morgana.api.Sleep},
 * {@link io.morgana.api.Random}, and logging through {@link java.lang.System.Logger} with one log
 * source per layer ({@code System.getLogger("tcp")}).
 */
package io.morgana.api;
