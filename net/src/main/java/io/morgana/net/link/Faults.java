package io.morgana.net.link;

/**
 * What the {@link FaultInjector} does to frames, each probability applied independently per frame
 * and per direction.
 *
 * @param drop           probability a frame is lost
 * @param duplicate      probability a frame is sent twice
 * @param reorder        probability a frame is held back and sent after the next one (or 5 ms later)
 * @param corrupt        probability one random bit of a frame is flipped
 * @param bytesPerSecond rate limit per direction (a token bucket with 50 ms of burst; excess is
 *                       dropped); 0 for none
 * @param seed           seed of the random choices: the same seed, the same faults
 */
public record Faults(double drop, double duplicate, double reorder, double corrupt, long bytesPerSecond, long seed) {

    public static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0);

    public Faults {
        for (double p : new double[] {drop, duplicate, reorder, corrupt}) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("a probability is 0..1, not " + p);
        }
        if (bytesPerSecond < 0) throw new IllegalArgumentException("rate must be >= 0");
    }

    /** Whether anything would be done at all. */
    public boolean any() { return drop > 0 || duplicate > 0 || reorder > 0 || corrupt > 0 || bytesPerSecond > 0; }

    public Faults withSeed(long s) { return new Faults(drop, duplicate, reorder, corrupt, bytesPerSecond, s); }
}
