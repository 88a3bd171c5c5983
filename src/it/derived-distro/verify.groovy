import java.util.concurrent.TimeUnit

def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 5
def arch = new File(basedir, 'test.properties').readLines().find { it.startsWith('puipui.arches=') }.substring(14)

// 2: the base's definition is resolved; what the derived distro changes is built (or found in the build cache
// from an earlier run of this test), what it does not change is the base's, from the base's published binaries:
// the kernel among them (kconfig fragments are compiled by the compiler-launchers test, on a tiny kernel)
def derived = runs[1]
assert derived.contains('base distro io.github.puipui:puipui-distro:')
for (c in ['hello 2.10', 'socat 1.8.1.3', 'libpcap 1.10.3', 'tcpdump 4.99.3', 'serd 0.30.16', 'pciutils 3.9.0']) {
    assert derived =~ /${arch} ${c}: (building|restored from the build cache)/
}
def fromBase = { String log, String step -> log =~ /${arch} ${step}: the base's, from its published binaries/ }
assert fromBase(derived, 'kernel') : 'the kernel was not taken from the base\'s binaries'
for (c in ['busybox [0-9.]+', 'dropbear [0-9.]+', 'mbedtls [0-9.]+', 'curl [0-9.]+', 'puipui-vsock dir-[0-9a-f]{12}']) {
    assert fromBase(derived, c) : "${c} was not taken from the base's binaries"
}
assert derived.contains('BUILD SUCCESS')

// 3: only the overlay changed: nothing compiled, the initramfs and tarballs written again
def overlayOnly = runs[2]
assert !(overlayOnly =~ /: building|kernel: configuring|restored from the build cache/)
assert overlayOnly =~ /${arch} kernel: up to date/
assert overlayOnly =~ /${arch} initramfs: .*entries/
assert overlayOnly.contains('BUILD SUCCESS')
// its boot tests: both kernel forms booted, the contract's checks and the POM's ten tests passed in each
def x86 = arch == 'x86_64'
for (kernel in (x86 ? ['bzImage', 'vmlinux'] : ['Image_gz', 'Image'])) {
    def report = new File(basedir, "target/puipui-boot-reports/TEST-puipui.boot.${arch}.${kernel}.xml")
    assert report.isFile() : "no boot test report ${report}"
    def suite = new groovy.xml.XmlSlurper().parse(report)
    assert suite.@failures.text() == '0' && suite.testcase.size() == 17 : "${report}: ${suite.@failures} failures, ${suite.testcase.size()} checks"
    assert suite.testcase*.@name*.text().containsAll(['hello (autotools)', 'serdi converts turtle (meson)', 'ssh answers'])
}
assert overlayOnly =~ /boot tests: 34 checks on 2 boots, 0 failed/

// the definition a derived distro publishes in turn
assert new File(basedir, 'target/vmm-test-guest-1.0.0-definition.tar.gz').isFile()

// 4: an overlay, root's key and password only, from an empty build cache, without compiler, make or zopfli on
// the PATH: no source fetched, no process started, every step the base's
def bin = new File(basedir, 'launcher-only-bin')
for (tool in ['cc', 'gcc', 'make', 'zopfli', 'setsid', 'flock', "${arch}-linux-gnu-gcc"]) {
    assert !new File(bin, tool).exists() : "${tool} is on the PATH of the build without compilers"
}
def overlayOnly4 = runs[3]
assert overlayOnly4.contains('sources: none needed')
assert fromBase(overlayOnly4, 'kernel')
for (c in ['busybox', 'dropbear', 'mbedtls', 'curl', 'socat']) {
    assert fromBase(overlayOnly4, "${c} [0-9.]+") : "${c} was not taken from the base's binaries"
}
assert fromBase(overlayOnly4, 'CA bundle')
assert !(overlayOnly4 =~ /: building|musl sysroot|restored from the build cache|verified .* from/)
assert overlayOnly4.contains('BUILD SUCCESS')
def cached = []
new File(basedir, 'overlay-only/empty-cache').eachFileRecurse(groovy.io.FileType.FILES) { cached << it }
assert cached.isEmpty() : "no source fetched, nothing built into the build cache: ${cached}"

// 5: one patched component from an empty build cache: the base's puipui-vsock (its source from the base's
// definition) compiled with the base's musl sysroot, nothing else
def patched = runs[4]
assert patched =~ /${arch} puipui-vsock dir-[0-9a-f]+: building/
assert (patched =~ /: building/).size() == 1 : 'puipui-vsock is the only component compiled'
assert fromBase(patched, 'kernel') && fromBase(patched, 'toolchain: musl sysroot')
for (c in ['busybox', 'dropbear', 'mbedtls', 'curl', 'socat']) {
    assert fromBase(patched, "${c} [0-9.]+") : "${c} was not taken from the base's binaries"
}
assert !(patched =~ /musl configure|linux headers_install|kernel: configuring/)
assert patched.contains('BUILD SUCCESS')
def vsockBinary = new File(basedir, "patched-one/target/puipui/${arch}/userland/usr/bin/puipui-vsock")
assert new String(vsockBinary.bytes, 'ISO-8859-1').contains('echo CID (derived)') : 'the patched puipui-vsock is in the image'

// boots a derived image and checks it in the guest over ssh with root's key
def bootAndCheck = { File out, String name, Closure checks ->
    def port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).withCloseable { it.localPort }
    def console = new File(basedir, "console-${name}.log")
    def qemu = (x86 ? ['qemu-system-x86_64', '-M', 'q35'] : ['qemu-system-aarch64', '-M', 'virt', '-cpu', 'cortex-a57']) +
            ['-accel', 'tcg', '-m', '256', '-smp', '1', '-display', 'none', '-monitor', 'none', '-no-reboot',
             '-serial', "file:${console}", '-kernel', new File(out, x86 ? 'bzImage' : 'Image.gz').path,
             '-initrd', new File(out, 'initramfs.cpio.gz').path, '-append', x86 ? 'console=ttyS0' : 'console=ttyAMA0',
             '-netdev', "user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22",
             '-device', 'virtio-net-pci,netdev=n0,disable-legacy=on', '-device', 'virtio-rng-pci,disable-legacy=on']
    def vm = new ProcessBuilder(qemu.collect { it.toString() }).redirectErrorStream(true)
            .redirectOutput(new File(basedir, "qemu-${name}.log")).start()
    def ssh = { String command ->
        def p = new ProcessBuilder('ssh', '-i', new File(basedir, 'id_ed25519').path, '-p', "${port}".toString(),
                '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no',
                '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10',
                'root@127.0.0.1', command).redirectErrorStream(true).start()
        def text = p.inputStream.text
        p.waitFor(60, TimeUnit.SECONDS)
        [p.exitValue(), text]
    }
    try {
        // wait for the state tested: a login over ssh (dropbear up, the key accepted)
        def deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180)
        def login = [255, '']
        while (login[0] != 0 && vm.alive && System.nanoTime() < deadline) {
            login = ssh('true')
            if (login[0] != 0) {
                Thread.sleep(500)
            }
        }
        assert login[0] == 0 : "no ssh login: ${login[1]}\n${console.text}"
        checks(ssh)
    } finally {
        vm.destroy()
        if (!vm.waitFor(10, TimeUnit.SECONDS)) {
            vm.destroyForcibly().waitFor()
        }
    }
}

bootAndCheck(new File(basedir, "overlay-only/target/puipui/${arch}/out"), 'overlay-only') { ssh ->
    assert ssh('cat /etc/motd') == [0, 'overlay-only derived distro\n']
    assert ssh('socat -V')[1].contains('socat version 1.8.1.3 ')           // the base's socat, unpatched
    assert ssh('curl --version')[0] == 0 && ssh('test -s /etc/ssl/certs/ca-certificates.crt')[0] == 0
    // root's password is the POM's: its hash verifies with the host's openssl
    def hash = ssh('sed -n "s/^root:\\([^:]*\\):.*/\\1/p" /etc/shadow')[1].trim()
    def salt = hash.split('\\$')[2]
    def expected = ['openssl', 'passwd', '-6', '-salt', salt, 'overlay-secret'].execute().text.trim()
    assert hash == expected : "root's hash ${hash} is not overlay-secret's"
}
return true
