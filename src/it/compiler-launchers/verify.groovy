// distcc: jobs were compiled by the test's distccd; the three builds have one key and one image, so a launcher
// changes neither. ccache: the second clone's build is served by the cache the first one filled. The fragment
// reached the compiled kernel. Figures go to figures.txt.
import java.security.MessageDigest
def arch = new File(basedir, 'arch.txt').text.trim()
def image = arch == 'aarch64' ? 'Image.gz' : 'bzImage'
def hex = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
def work = { String project -> new File(basedir, "${project}/target/puipui/${arch}") }
def figures = new StringBuilder()
def makeSeconds = { String project ->
    // the kernel log ends each command with "# exit <code> after <seconds> s"; the image's make is the longest
    new File(work(project), 'logs/kernel.log').readLines().findAll { it ==~ /# exit 0 after [0-9.]+ s/ }
            .collect { (it =~ /after ([0-9.]+) s/)[0][1] as double }.max()
}
try {
    // ccache-1 compiles every object itself (a cold cache): the reference the other two are compared with
    def localKey = new File(work('ccache-1'), 'kernel.out.key').text
    def localImage = new File(work('ccache-1'), "kernel.out/${image}")
    ['distcc', 'ccache-2'].each { p ->
        assert new File(work(p), 'kernel.out.key').text == localKey : "${p}: the launcher changed the kernel step's key"
        assert hex(new File(work(p), "kernel.out/${image}")) == hex(localImage) : "${p}: ${image} differs from ccache-1's"
    }
    ['distcc', 'ccache-1', 'ccache-2'].each { p ->
        def config = new File(work(p), 'kernel.out/kernel.config').readLines()
        assert config.contains('CONFIG_PRINTK=y') : "${p}: the fragment's CONFIG_PRINTK=y is not in the kernel's config"
    }
    def log = new File(basedir, 'distccd.log').text
    def remote = log.readLines().count { it.contains('COMPILE_OK') }
    // a job the remote cannot compile (kernel/configs.c: an .incbin of a file distcc does not send) is compiled
    // again locally by distcc itself; the image above shows the outcome
    def retried = log.readLines().findAll { it =~ /COMPILE_(ERROR|TIMEOUT)/ }.collect { it.tokenize(' ').last() }
    assert remote > 100 : "distccd compiled only ${remote} jobs of the kernel build:\n${log.readLines().takeRight(20).join('\n')}"
    assert retried.size() < 10 : "${retried.size()} jobs failed on distccd: ${retried.take(10)}"
    figures << "distcc: ${remote} compile jobs done by distccd on 127.0.0.1:36321" +
            (retried ? ", ${retried.size()} compiled locally after the remote failed (${retried.collect { new File(it).name }.join(', ')})" : '') +
            "; ${arch} ${image} ${localImage.length()} bytes, sha256 ${hex(localImage)}, equal to the other builds'; kernel key unchanged\n"
    figures << String.format('distcc: make %.0f s (distccd on this machine, 2 jobs)%n', makeSeconds('distcc'))

    def outcomes = { String clone ->
        def lines = new File(basedir, "${clone}.stats").readLines()
        [hits: lines.count { it == 'direct_cache_hit' || it == 'preprocessed_cache_hit' }, misses: lines.count { it == 'cache_miss' }]
    }
    def first = outcomes('ccache-1'), second = outcomes('ccache-2')
    long calls = second.hits + second.misses
    assert calls > 100 : "ccache saw ${calls} compiler calls in the second clone"
    double rate = 100.0 * second.hits / calls
    assert rate > 95 : "the second clone hit the cache for only ${second.hits} of ${calls} compiler calls"
    double cold = makeSeconds('ccache-1'), warm = makeSeconds('ccache-2')
    figures << String.format('ccache: first clone %d misses, %d hits; second clone %d hits of %d compiler calls (%.1f %%);'
            + ' make %.0f s cold, %.0f s warm (%.0f s saved)%n', first.misses, first.hits, second.hits, calls, rate, cold,
            warm, cold - warm)
    new File(basedir, 'figures.txt').text = figures.toString()
    println figures
} finally {
    def pid = new File(basedir, 'distccd.pid')
    if (pid.exists()) {
        ProcessHandle.of(pid.text.trim() as long).ifPresent { h -> h.descendants().each { it.destroy() }; h.destroy() }
    }
}
return true
