package io.morgana.example.hello;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Manifest;
import java.lang.System.Logger.Level;
import java.time.Duration;

/** Logs a greeting a number of times, waiting between them, then ends: the smallest appliance. */
public final class Hello implements Appliance {

    static final Arg<String> GREETING = Arg.string("greeting", "Hello, world!", "what to say");
    static final Arg<Integer> TIMES = Arg.integer("times", 3, 0, 1_000_000, "how many times to say it");
    static final Arg<Duration> INTERVAL = Arg.duration("interval", Duration.ofSeconds(1), "how long to wait between greetings");

    private static final System.Logger LOG = System.getLogger("hello");

    @Override public Manifest manifest() {
        return Manifest.builder("hello")
                .summary("logs a greeting N times")
                .arg(GREETING, TIMES, INTERVAL)
                .build();
    }

    @Override public void run(Context context) throws InterruptedException {
        int times = context.arg(TIMES);
        for (int i = 1; i <= times && !context.stopping(); i++) {
            LOG.log(Level.INFO, context.arg(GREETING) + " (" + i + "/" + times + ")");
            if (i < times) context.sleep().sleep(context.arg(INTERVAL));
        }
    }
}
