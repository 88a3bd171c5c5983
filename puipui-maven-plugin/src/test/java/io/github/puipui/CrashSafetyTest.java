package io.github.puipui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.github.puipui.cache.DirectoryStore;
import io.github.puipui.cache.EntryLayout;
import io.github.puipui.fetch.Extractor;
import io.github.puipui.fetch.Fetcher;
import io.github.puipui.fetch.Source;
import io.github.puipui.fetch.SourceCache;
import io.github.puipui.fetch.Transport;
import io.github.puipui.files.Sha256;
import io.github.puipui.kernel.KernelBuilder;
import io.github.puipui.process.BuildStepException;
import io.github.puipui.process.ProcessRunner;
import io.github.puipui.userland.FakeComponents;

/**
 * Each step that writes something lasting (download into the source cache, extraction, build cache store, a
 * component's compile, the kernel's make) is run in a JVM of its own and killed with SIGKILL in the middle; then
 * nothing half-written may be served, and running the step again must succeed.
 */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    /** Starts {@code CrashChild} with the arguments, waits until {@code midway} holds, then SIGKILLs it and its children. */
    private void killMidway(BooleanSupplier midway, String... args) throws Exception {
        Process p = startChild(args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!midway.getAsBoolean()) {
            assertTrue(p.isAlive(), () -> "the child ended before it could be killed midway: " + read(tmp.resolve("child.out")));
            assertTrue(System.nanoTime() < deadline, "the child never reached the point to kill it");
            Thread.sleep(2);
        }
        List<ProcessHandle> groups = p.children().toList(); // each command leads a process group of its own
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        for (ProcessHandle g : groups) { // and what it started, as a machine's crash would
            new ProcessBuilder("kill", "-KILL", "--", "-" + g.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        for (ProcessHandle g : groups) {
            g.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts {@code CrashChild} with {@code args} in a JVM of its own, its output in tmp/child.out. */
    private Process startChild(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.out").toFile()).start();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The staging directories beside {@code target}. */
    private static List<Path> staging(Path target) {
        try (var siblings = Files.list(target.getParent())) {
            return siblings.filter(p -> p.getFileName().toString().startsWith(target.getFileName() + ".partial")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** True once {@code f} holds exactly {@code text}: the state a test kills in, not just the file's existence. */
    private static boolean holds(Path f, String text) {
        try {
            return Files.isRegularFile(f) && Files.readString(f).equals(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean exists(Path dir, String prefix) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    private Path bigTree(String name, int files, int size) throws IOException {
        Path dir = tmp.resolve(name);
        Random r = new Random(1);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Path f = dir.resolve("d" + (i % 10)).resolve("f" + i);
            Files.createDirectories(f.getParent());
            Files.write(f, b);
        }
        return dir;
    }

    @Test
    void buildCacheStoreKilledLeavesNoEntry() throws Exception {
        Path dir = bigTree("outputs", 400, 128 * 1024);
        Path root = tmp.resolve("cache");
        String key = EntryLayout.key("crash");
        killMidway(() -> exists(root, "tmp") && exists(root.resolve("tmp"), key), "store", root.toString(), dir.toString(), key);
        DirectoryStore cache = new DirectoryStore(root, Long.MAX_VALUE, BuildLog.SILENT);
        assertFalse(cache.has(key), "a killed store publishes nothing");
        assertFalse(cache.restore(key, tmp.resolve("out"), null));
        assertTrue(cache.store(key, "crash", dir, null), "the next build stores it");
        assertTrue(cache.restore(key, tmp.resolve("out"), null));
        assertArrayEquals(Files.readAllBytes(dir.resolve("d3/f123")), Files.readAllBytes(tmp.resolve("out/d3/f123")));
    }

    @Test
    void extractionKilledIsRedone() throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        Random r = new Random(2);
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[128 * 1024];
            r.nextBytes(b);
            files.put("big-1/d" + (i % 7) + "/f" + i, b);
        }
        Path archive = TestArchives.tarGzBytes(tmp.resolve("big-1.tar.gz"), files);
        String sha = Sha256.of(archive);
        Path target = tmp.resolve("src/big-1");
        killMidway(() -> staging(target).stream().anyMatch(p -> Files.isDirectory(p.resolve("big-1/d6"))), "extract",
                archive.toString(), sha, target.toString());
        assertEquals(1, staging(target).size(), "the killed child's staging directory");
        assertFalse(Extractor.isComplete(target, sha));
        new Extractor(Extractor.Kind.SOURCE).extract(archive, sha, target);
        assertTrue(Extractor.isComplete(target, sha));
        assertEquals(List.of(), staging(target), "the killed child's staging directory is removed: its process is gone");
        try (var all = Files.walk(target)) {
            assertEquals(300, all.filter(Files::isRegularFile).count() - 1, "every file and the marker");
        }
    }

    @Test
    void downloadKilledCachesNothing() throws Exception {
        byte[] body = new byte[4 << 20];
        new Random(3).nextBytes(body);
        String sha = Sha256.of(body);
        boolean[] stall = {true};
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (int off = 0; off < body.length; off += 65536) {
                    out.write(body, off, 65536);
                    out.flush();
                    while (stall[0] && off > body.length / 2) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            } catch (IOException clientGone) {
                // the killed child
            }
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/big.bin");
            Path root = tmp.resolve("cache");
            killMidway(() -> exists(root, "tmp") && exists(root.resolve("tmp"), "big.bin"), "fetch", root.toString(),
                    uri.toString(), sha);
            SourceCache cache = new SourceCache(root, BuildLog.SILENT);
            assertTrue(cache.find(sha).isEmpty(), "a killed download is not in the cache");
            stall[0] = false;
            Fetcher.Fetched f = new Fetcher(cache, new Transport(null), List.of(), false, BuildLog.SILENT)
                    .fetch(new Source("big", "1", "big.bin", uri.toString(), sha));
            assertArrayEquals(body, Files.readAllBytes(f.file()));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void componentCompileKilledIsRebuiltFromAFreshTree() throws Exception {
        Path archive = FakeComponents.source(tmp.resolve("hello-1.0.tar.gz"), "hello");
        Path clone = tmp.resolve("clone");
        Path counter = tmp.resolve("counter");
        Path hold = tmp.resolve("hold");
        Files.writeString(hold, "");
        Path object = clone.resolve("build/hello/hello-1.0/hello.o");
        // the object file exists (empty) before echo writes into it: wait for the partial content itself
        killMidway(() -> holds(object, "partial\n"), "userland", clone.toString(), archive.toString(), Sha256.of(archive),
                counter.toString(), hold.toString());
        assertEquals("partial\n", Files.readString(object), "killed with a truncated object file in the tree");
        Files.delete(hold);
        CrashChild.main(new String[] {"userland", clone.toString(), archive.toString(), Sha256.of(archive),
                counter.toString(), hold.toString()});
        assertEquals("hello\n", Files.readString(clone.resolve("userland/usr/bin/hello")));
    }

    /** A fake kernel tree whose make writes a partial vmlinux.o, then sleeps {@code sleep} s while tmp/hold exists. */
    private Path fakeKernel(int sleep) throws IOException {
        Path src = tmp.resolve("linux");
        Files.createDirectories(src);
        Files.writeString(src.resolve("tiny.config"), "CONFIG_TINY=y\n");
        Files.writeString(src.resolve("Makefile"), String.join("\n",
                "$(O)/vmlinux.o:",
                "\techo partial > $@; if [ -f \"$(O)/../hold\" ]; then sleep " + sleep + "; fi; echo kernel > $@",
                "bzImage: $(O)/vmlinux.o",
                "\tmkdir -p $(O)/arch/x86/boot && cp $(O)/vmlinux.o $(O)/arch/x86/boot/bzImage",
                "olddefconfig:",
                "\t@true",
                ""));
        // the fake make holds while tmp/hold (beside the object tree) exists: the build passes no other environment
        Files.writeString(tmp.resolve("hold"), "");
        return src;
    }

    private void rebuildsFromACleanTree(Path src, Path obj) throws Exception {
        assertTrue(Files.exists(obj.resolve(KernelBuilder.MAKE_IN_PROGRESS)));
        Files.delete(tmp.resolve("hold"));
        Path image = new KernelBuilder(new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT)
                .build(CrashChild.kernel(src.toString(), obj.toString()));
        assertEquals("kernel\n", Files.readString(image), "the truncated object was not reused");
        assertFalse(Files.exists(obj.resolve(KernelBuilder.MAKE_IN_PROGRESS)));
    }

    /** Starts a kernel build of the fake kernel in a child JVM and returns once its make runs {@code sleep}. */
    private Process startKernelUntilMakeSleeps(Path src, Path obj, int sleep) throws Exception {
        Process p = startChild("kernel", src.toString(), obj.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sleeping(sleep).isEmpty()) {
            assertTrue(p.isAlive(), () -> "the child ended early: " + read(tmp.resolve("child.out")));
            assertTrue(System.nanoTime() < deadline, "make never reached its sleep");
            Thread.sleep(10);
        }
        return p;
    }

    /** Waits until no process holds {@code lock}. */
    private static void awaitReleased(Path lock) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (new ProcessBuilder("flock", "--nonblock", lock.toString(), "true").start().waitFor() != 0) {
            assertTrue(System.nanoTime() < deadline, lock + " is still held");
            Thread.sleep(20);
        }
    }

    @Test
    void aMakeLeftRunningByAKilledBuildIsDetectedBeforeItsTreeIsUsed() throws Exception {
        int sleep = 7000 + new Random().nextInt(999); // a command line of this test's own
        Path src = fakeKernel(sleep);
        Path obj = tmp.resolve("obj");
        try {
            Process p = startKernelUntilMakeSleeps(src, obj, sleep);
            p.destroyForcibly(); // SIGKILL: no shutdown hook runs, and the make it started goes on
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, sleeping(sleep).size(), "the killed build's make is still running");

            BuildStepException e = assertThrows(BuildStepException.class, () -> new KernelBuilder(
                    new ProcessRunner(BuildLog.SILENT), BuildLog.SILENT).build(CrashChild.kernel(src.toString(), obj.toString())));
            assertTrue(e.getMessage().contains("fuser -k " + tmp.resolve("obj.lock")), e.getMessage());
            assertEquals("partial\n", Files.readString(obj.resolve("vmlinux.o")), "the tree the orphan writes is left alone");
            assertTrue(Files.exists(obj.resolve(KernelBuilder.MAKE_IN_PROGRESS)));
        } finally {
            sleeping(sleep).forEach(ProcessHandle::destroyForcibly); // the orphaned make then ends
        }
        awaitReleased(tmp.resolve("obj.lock"));
        rebuildsFromACleanTree(src, obj);
    }

    @Test
    void kernelMakeKilledRestartsFromACleanObjectTree() throws Exception {
        Path src = fakeKernel(60);
        Path obj = tmp.resolve("obj");
        killMidway(() -> holds(obj.resolve("vmlinux.o"), "partial\n"), "kernel", src.toString(), obj.toString());
        rebuildsFromACleanTree(src, obj);
    }

    /** The processes (not zombies) running {@code sleep seconds}. */
    private static List<ProcessHandle> sleeping(int seconds) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().orElse("").endsWith("/sleep")
                        && List.of(Integer.toString(seconds)).equals(List.of(h.info().arguments().orElse(new String[0]))))
                .filter(h -> {
                    try {
                        String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
                        return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    } catch (IOException gone) {
                        return false;
                    }
                }).toList();
    }

    @Test
    void aStoppedBuildLeavesNoCommandRunning() throws Exception {
        // SIGTERM, as an IDE or a CI cancel stops Maven: the JVM's shutdown hook ends make and all it started
        int sleep = 6000 + new Random().nextInt(999); // a command line of this test's own
        Path src = fakeKernel(sleep);
        Path obj = tmp.resolve("obj");
        Process p = startKernelUntilMakeSleeps(src, obj, sleep);
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!sleeping(sleep).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), sleeping(sleep), "no command of the stopped build survives it");
        rebuildsFromACleanTree(src, obj);
    }
}
