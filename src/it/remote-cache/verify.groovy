// Machine 2 compiles nothing and gets machine 1's bytes; every failure of the server costs one warning and a local
// build of the step, never the build. Figures (bytes over the network) go to figures.txt.
import java.security.MessageDigest

def hex = { File f -> MessageDigest.getInstance('SHA-256').digest(f.bytes).encodeHex().toString() }
def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
def arch = new File(basedir, 'test.properties').readLines().find { it.startsWith('puipui.arches=') }.substring(14)
def figures = new StringBuilder()
try {
    assert runs.size() == 11 : "${runs.size()} builds"
    runs.eachWithIndex { r, i -> assert r.contains('BUILD SUCCESS') : "build ${i + 1} failed" }
    def bytes = { String log, String verb -> (log =~ /${verb} the remote cache it-remote-cache \(([0-9,]+) bytes\)/).collect {
        it[1].replace(',', '') as long }.sum(0L) }

    // 1: machine 1 pushes every step of its arch (kernel, components) and the musl sysroot, signed
    def push = runs[0]
    for (step in ['kernel', 'busybox [0-9.]+', 'dropbear [0-9.]+', 'socat [0-9.]+', 'mbedtls [0-9.]+', 'curl [0-9.]+',
                  'toolchain: musl sysroot']) {
        assert push =~ /${arch} ${step}: pushed to the remote cache it-remote-cache/ : "${step} was not pushed"
    }
    def entries = new File(basedir, 'www/cache').listFiles().findAll { it.name.endsWith('.entry') }
    assert entries && entries.every { it.text.contains('\nsignature ed25519 ') } : 'every entry is signed'
    assert bytes(push, 'pushed to') > 0 : 'the pushes name the bytes they sent'
    figures << String.format('machine 1 pushed %,d bytes (%d entries)%n', bytes(push, 'pushed to'), entries.size())

    // 2: machine 2, same commit, empty build cache: every step from nginx, nothing compiled, the same bytes
    def second = runs[1]
    assert second.contains('remote-cache/cache-2') : 'machine 2 used its own, empty cache'
    for (step in ['kernel', 'busybox [0-9.]+', 'dropbear [0-9.]+', 'socat [0-9.]+', 'mbedtls [0-9.]+', 'curl [0-9.]+',
                  'toolchain: musl sysroot']) {
        assert second =~ /${arch} ${step}: fetched from the remote cache it-remote-cache/ : "${step} was not fetched"
    }
    assert bytes(second, 'fetched from') > 0 : 'the fetches name the bytes they received'
    assert !(second =~ /: building|kernel: make|musl configure|musl make|headers_install/) : 'machine 2 compiled something'
    // and fetched no source: every step's likely key (from the digests the sources may have) was on the server
    assert second.contains('sources: none needed') : 'machine 2 planned to fetch sources'
    def sources = new File(basedir, 'cache-2/sha256').listFiles() ?: []
    assert !sources : "machine 2 fetched sources: ${sources*.name}"
    def built = new File(basedir, '../../../puipui-distro/target')
    def got = new File(basedir, 'clone-b/puipui-distro/target')
    def tarballs = got.listFiles().findAll { it.name ==~ /puipui-distro-.*-${arch}(-image|-vmlinux|-binaries)?\.tar\.gz/ }
    assert tarballs.size() == 3 : "${got.listFiles()*.name}"
    tarballs.each { t ->
        assert hex(t) == hex(new File(built, t.name)) : "${t.name} differs from machine 1's"
    }
    figures << String.format('machine 2 (empty build cache) fetched %,d bytes, no source, and compiled nothing; %s byte-identical%n',
            bytes(second, 'fetched from'), tarballs*.name.join(', '))

    // 3-11: the component hello (10 tampers with the server)
    def hello = { int i -> runs[i - 1] }
    assert hello(3) =~ /${arch} hello dir-[0-9a-f]{12}: building/ && hello(3) =~ /${arch} hello dir-[0-9a-f]{12}: pushed to the remote cache/
    assert hello(4) =~ /${arch} hello dir-[0-9a-f]{12}: fetched from the remote cache/ && !(hello(4) =~ /: building/)
    def warned = { int i, String what ->
        def log = hello(i)
        // the server's id (its settings.xml credentials), its URL, and what went wrong
        def warning = log.readLines().find { it.startsWith('[WARNING]') && it.contains('remote cache') }
        assert warning =~ /the remote cache it-remote-cache(-wrong-password)? \(https:\/\/127\.0\.0\.1:[0-9]+\/cache\/\)${what}/ :
                "build ${i}: no warning '${what}': ${warning}"
        assert (log =~ /\[WARNING\] .*remote cache/).size() == 1 : "build ${i}: one warning"
        assert log =~ /${arch} hello dir-[0-9a-f]{12}: building/ : "build ${i}: hello is built here"
    }
    warned(5, ' refused the credentials of its <server> in settings.xml \\(HTTP 401')
    warned(6, ' served an entry that cannot be used \\(it is signed by [0-9a-f]{16}, which is not a trusted key')
    warned(7, ' cannot be reached \\((?!null)')
    // no trusted key: nothing taken, the way out said; the explicit switch: hello taken, warned of once
    warned(8, ' is not read: no trusted keys are named.*-Dpuipui.remoteCache.trustedKeys=.*-Dpuipui.remoteCache.acceptUnsigned=true')
    assert (hello(9) =~ /\[WARNING\] .*taking entries that no trusted key signed/).size() == 1 : 'build 9: one warning'
    assert hello(9) =~ /${arch} hello dir-[0-9a-f]{12}: fetched from the remote cache/ && !(hello(9) =~ /: building/)
    assert new File(basedir, 'tampered.txt').isFile()
    warned(11, ' served an entry that cannot be used \\(.*(does not match the sha256 and size|is longer than its entry says|bytes, and its entry says [0-9]+)')
    figures << 'failures: a wrong password (401), an untrusted key, a stopped server, no trusted key, a tampered tarball: one warning each, hello built here; unsigned entries accepted: hello taken, one warning\n'
    new File(basedir, 'figures.txt').text = figures.toString()
    println figures
} finally {
    def pid = new File(basedir, 'nginx/pid.txt')
    if (pid.exists()) {
        ProcessHandle.of(pid.text.trim() as long).ifPresent { it.destroy() }
    }
}
return true
