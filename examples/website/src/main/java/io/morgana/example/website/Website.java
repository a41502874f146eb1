package io.morgana.example.website;

import io.morgana.api.Appliance;
import io.morgana.api.Arg;
import io.morgana.api.Context;
import io.morgana.api.Device;
import io.morgana.api.KvRo;
import io.morgana.api.Listener;
import io.morgana.api.Manifest;
import io.morgana.http.HttpServer;
import io.morgana.http.StaticFiles;
import java.lang.System.Logger.Level;

/**
 * A static web site: serves the store {@code htdocs} over HTTP/1.1. The content is a host
 * directory ({@code --htdocs=DIR}), a tar archive ({@code --tar=FILE}), or else the default site
 * packed into the appliance (src/main/resources/morgana/kv/htdocs/). Directories answer with their
 * {@code index.html}, misses with {@code 404.html}.
 */
public final class Website implements Appliance {

    static final Arg<Integer> PORT = Arg.port("port", 8080, "TCP port to serve HTTP on (0: any free port)");

    private static final System.Logger LOG = System.getLogger("website");

    @Override public Manifest manifest() {
        return Manifest.builder("website")
                .summary("a static web site over HTTP/1.1")
                .needs(Device.stack(), Device.kvRo("htdocs", "the site's files").with("tar-arg", "tar"))
                .arg(PORT)
                .build();
    }

    @Override public void run(Context context) throws Exception {
        KvRo htdocs = context.kvRo("htdocs");
        HttpServer server = HttpServer.builder(StaticFiles.of(htdocs)).clock(context.clock()).build();
        Listener listener = context.stack().tcp().serve(context.arg(PORT), server);
        context.onStop(listener::close);
        LOG.log(Level.INFO, "listening on tcp port " + listener.localAddress().port()
                + " (http://localhost:" + listener.localAddress().port() + "/ on " + context.target() + ")");
        context.awaitStop();
    }
}
