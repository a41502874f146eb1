import io.morgana.target.spt.SptPackager;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Packs BenchHttp for spt; the training run boots it unsealed and sends it 200 requests. Args: OUTDIR PORT JAR... */
public final class PackBench {
    public static void main(String[] a) throws Exception {
        Path out = Path.of(a[0]);
        int port = Integer.parseInt(a[1]);
        List<Path> jars = new ArrayList<>();
        for (int i = 2; i < a.length; i++) jars.add(Path.of(a[i]));
        SptPackager.Training training = run -> {
            if (!run.awaitOutput("listening", Duration.ofSeconds(60))) throw new IllegalStateException("did not start");
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream o = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                for (int i = 0; i < 200; i++) {
                    o.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                    in.read(buf);
                }
            }
        };
        var o = SptPackager.Options.of("bench-http").withMain("BenchHttp", List.of())
                .withTraining(List.of("--no-seal", "--preload", "--port=" + port), training)
                .withXz(System.getenv().getOrDefault("XZ", "-6"));
        var r = SptPackager.build(jars, out, o, System.out::println);
        System.out.println("launcher " + r.launcher());
    }
}
