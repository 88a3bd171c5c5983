package io.github.puipui.boot;

import java.nio.file.Path;
import java.util.List;

/** A throwaway CA-less TLS setup made with the openssl tool: a certificate for 10.0.2.2, and a server on loopback. */
final class Tls {
    private Tls() {
    }

    /** Writes ca.pem + key.pem (the server's self-signed certificate for IP 10.0.2.2) and other-ca.pem (unrelated). */
    static void writeCertificates(Path dir) throws Exception {
        for (String name : List.of("ca", "other-ca")) {
            BootConformance.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=10.0.2.2", "-addext", "subjectAltName=IP:10.0.2.2",
                    "-keyout", dir.resolve(name + "-key.pem").toString(), "-out", dir.resolve(name + ".pem").toString()));
        }
    }

    record Server(Process process, int port) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
        }
    }

    /** {@code openssl s_server -www} on 127.0.0.1 (the guest reaches it as 10.0.2.2). */
    static Server serve(Path dir) throws Exception {
        int port = Guest.freePort();
        Process p = new ProcessBuilder("openssl", "s_server", "-accept", "127.0.0.1:" + port, "-www", "-quiet",
                "-cert", dir.resolve("ca.pem").toString(), "-key", dir.resolve("ca-key.pem").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling("s_server.log").toFile()).start();
        for (int i = 0; i < 50; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return new Server(p, port);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroy();
        throw new AssertionError("openssl s_server did not start");
    }
}
