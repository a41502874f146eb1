/** The baseline for start time: a JVM that prints one line the way Morgana's hello logs it. */
public class PlainHello {
    public static void main(String[] a) {
        System.err.println(java.time.Instant.now() + " INFO  [hello] Hello, world! (1/1)");
    }
}
