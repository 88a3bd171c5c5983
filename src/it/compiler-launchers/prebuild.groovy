// The four projects (copies of guest/, like four clones), an empty ccache, and distccd on 127.0.0.1:36321,
// ended when this Maven ends (and by verify.groovy).
def version = new groovy.xml.XmlSlurper().parse(new File(basedir, '../../../pom.xml')).version.text()
def copy = { File from, File to ->
    to.deleteDir()
    to.mkdirs()
    from.eachFileRecurse(groovy.io.FileType.FILES) { f ->
        def target = new File(to, from.toPath().relativize(f.toPath()).toString())
        target.parentFile.mkdirs()
        target.bytes = f.bytes
    }
    new File(to, 'pom.xml').text = new File(from, 'pom.xml').text.replace('@project.version@', version)
}
['distcc', 'plain', 'ccache-1', 'ccache-2'].each { copy(new File(basedir, 'guest'), new File(basedir, it)) }
new File(basedir, 'ccache-dir').deleteDir()
['ccache-1.stats', 'ccache-2.stats'].each { new File(basedir, it).delete() }
new File(basedir, 'distcc-state').mkdirs()
// the guest's kernel config is x86_64's (its compiler, x86_64-linux-gnu-gcc, is one distccd accepts)
def arch = 'x86_64'
new File(basedir, 'arch.txt').text = arch
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\npuipui.arches=${arch}\n"
def log = new File(basedir, 'distccd.log')
log.delete()
try (def probe = new ServerSocket(36321, 1, InetAddress.getLoopbackAddress())) {
    // free
} catch (IOException e) {
    assert false : "port 36321 on 127.0.0.1 is taken (${e.message}): this test runs its distccd there"
}
// its log on stderr, into a file this JVM opens (distccd started by root runs as the user distccd)
def distccd = new ProcessBuilder('distccd', '--no-detach', '--daemon', '--listen', '127.0.0.1', '--port', '36321',
        '--allow', '127.0.0.1', '--jobs', '2', '--log-level', 'info', '--log-stderr')
        .redirectErrorStream(true).redirectOutput(log).start()
Runtime.runtime.addShutdownHook(new Thread({ distccd.descendants().each { it.destroy() }; distccd.destroy() }))
new File(basedir, 'distccd.pid').text = "${distccd.pid()}"
// wait until it listens
def deadline = System.currentTimeMillis() + 30000
while (true) {
    try (def s = new Socket(InetAddress.getLoopbackAddress(), 36321)) {
        break
    } catch (IOException notYet) {
        assert distccd.alive : "distccd ended: ${log.exists() ? log.text : ''}"
        assert System.currentTimeMillis() < deadline : 'distccd does not listen on 127.0.0.1:36321'
        Thread.sleep(50)
    }
}
return true
