// distcc: the kernel's compile jobs were done by the test's distccd, and the launcher is not in the kernel's key (the
// same project without it finds the kernel up to date). ccache: hello built through it, cold then from another clone,
// has the key and the bytes of hello built without a launcher, and the second clone is served by the cache the first
// one filled. The fragment reached the compiled kernel. Figures go to figures.txt.
import java.security.MessageDigest
def arch = new File(basedir, 'arch.txt').text.trim()
def image = arch == 'aarch64' ? 'Image.gz' : 'bzImage'
def hex = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
def work = { String project -> new File(basedir, "${project}/target/puipui/${arch}") }
def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
def figures = new StringBuilder()
def longest = { File log ->
    // a step's log ends each command with "# exit <code> after <seconds> s"; the longest is the compile
    log.readLines().findAll { it ==~ /# exit 0 after [0-9.]+ s/ }.collect { (it =~ /after ([0-9.]+) s/)[0][1] as double }.max()
}
/** Every file of hello's step outputs, by path, with its sha256. */
def helloFiles = { String project ->
    def out = new File(work(project), 'build/hello.out')
    def files = [:]
    out.eachFileRecurse(groovy.io.FileType.FILES) { files[out.toPath().relativize(it.toPath()).toString()] = hex(it) }
    files
}
try {
    assert runs.size() == 5 : "${runs.size()} builds"
    runs.eachWithIndex { r, i -> assert r.contains('BUILD SUCCESS') : "build ${i + 1} failed" }
    assert runs[1] =~ /${arch} kernel: up to date \(inputs unchanged\)/ : 'without the launcher, the kernel built through distcc is not up to date: the launcher changed its key'
    def config = new File(work('distcc'), 'kernel.out/kernel.config').readLines()
    assert config.contains('CONFIG_PRINTK=y') : "the fragment's CONFIG_PRINTK=y is not in the kernel's config"
    def kernelImage = new File(work('distcc'), "kernel.out/${image}")

    def plainKey = new File(work('plain'), 'build/hello.out.key').text
    def plainFiles = helloFiles('plain')
    assert plainFiles.keySet().any { it.endsWith('usr/bin/hello') } : "hello's outputs: ${plainFiles.keySet()}"
    ['ccache-1', 'ccache-2'].each { p ->
        assert new File(work(p), 'build/hello.out.key').text == plainKey : "${p}: the launcher changed hello's key"
        assert helloFiles(p) == plainFiles : "${p}: hello's outputs differ from those built without a launcher"
        assert runs[p == 'ccache-1' ? 3 : 4] =~ /${arch} hello dir-[0-9a-f]+: building/ : "${p}: hello was not compiled"
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
            "; ${arch} ${image} ${kernelImage.length()} bytes; kernel key unchanged (up to date without the launcher)\n"
    figures << String.format('distcc: make %.0f s (distccd on this machine, 2 jobs)%n',
            longest(new File(work('distcc'), 'logs/kernel.log')))

    def outcomes = { String clone ->
        def lines = new File(basedir, "${clone}.stats").readLines()
        [hits: lines.count { it == 'direct_cache_hit' || it == 'preprocessed_cache_hit' }, misses: lines.count { it == 'cache_miss' }]
    }
    def first = outcomes('ccache-1'), second = outcomes('ccache-2')
    long calls = second.hits + second.misses
    assert calls >= 26 : "ccache saw ${calls} compiler calls in the second clone, hello's Makefile makes 26"
    double rate = 100.0 * second.hits / calls
    assert rate > 95 : "the second clone hit the cache for only ${second.hits} of ${calls} compiler calls"
    double cold = longest(new File(work('ccache-1'), 'logs/hello.log')), warm = longest(new File(work('ccache-2'), 'logs/hello.log'))
    figures << String.format('ccache: hello, first clone %d misses, %d hits; second clone %d hits of %d compiler calls'
            + ' (%.1f %%); its longest command %.0f s cold, %.0f s warm; outputs and key equal to hello built without a'
            + ' launcher%n', first.misses, first.hits, second.hits, calls, rate, cold, warm)
    new File(basedir, 'figures.txt').text = figures.toString()
    println figures
} finally {
    def pid = new File(basedir, 'distccd.pid')
    if (pid.exists()) {
        ProcessHandle.of(pid.text.trim() as long).ifPresent { h -> h.descendants().each { it.destroy() }; h.destroy() }
    }
}
return true
