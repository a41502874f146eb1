package io.morgana.api;

/**
 * Randomness. On real targets it is cryptographically strong: the kernel's generator, read from
 * {@code /dev/urandom} (the source of the JDK's default {@code SecureRandom} on Linux, without its
 * provider framework); under simulation it is seeded, so a run can be repeated. Thread-safe.
 */
public interface Random {

    void nextBytes(byte[] bytes);

    default long nextLong() {
        byte[] b = new byte[8];
        nextBytes(b);
        long v = 0;
        for (byte x : b) v = v << 8 | (x & 0xff);
        return v;
    }

    default int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        return (int) Math.floorMod(nextLong(), (long) bound);
    }
}
