package io.github.puipui.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A body that fails instead of waiting for ever: when no byte arrives for the stall bound, or the whole body has not
 * arrived by its deadline (a server that drips a byte now and then), the stream is closed and the read that waits
 * throws, naming the location.
 */
final class StallGuard extends FilterInputStream {
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "puipui-stall-guard");
        t.setDaemon(true);
        return t;
    });

    private final long stallNanos;
    private final long deadline;
    private final Duration total;
    private final URI uri;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile boolean overdue;
    private final ScheduledFuture<?> check;

    private StallGuard(InputStream in, Duration stall, Duration total, URI uri) {
        super(in);
        this.stallNanos = stall.toNanos();
        this.total = total;
        this.deadline = total == null ? Long.MAX_VALUE : System.nanoTime() + total.toNanos();
        this.uri = uri;
        long period = Math.max(10, stall.toMillis() / 10);
        this.check = WATCH.scheduleAtFixedRate(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    static InputStream guard(InputStream in, Duration stall, URI uri) {
        return new StallGuard(in, stall, null, uri);
    }

    /** Guarded against a stall and against a body that takes longer than {@code total} in all (null: no bound). */
    static InputStream guard(InputStream in, Duration stall, Duration total, URI uri) {
        return new StallGuard(in, stall, total, uri);
    }

    private void checkProgress() {
        long now = System.nanoTime();
        if (now - lastProgress > stallNanos || now > deadline) {
            overdue = now > deadline;
            stalled = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException ignored) {
                // the waiting read fails either way
            }
        }
    }

    private IOException stalledError(IOException cause) {
        return new IOException(overdue ? uri + " did not send all of it in " + total.toSeconds() + " s"
                : uri + " sent nothing for " + stallNanos / 1_000_000 / 1000.0 + " s", cause);
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            if (b < 0 && stalled) {
                throw stalledError(null);
            }
            lastProgress = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw stalled ? stalledError(e) : e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            int n = super.read(b, off, len);
            if (n < 0 && stalled) {
                throw stalledError(null); // closed under a waiting read, which the JDK's HTTP client ends as EOF
            }
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw stalled ? stalledError(e) : e;
        }
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
