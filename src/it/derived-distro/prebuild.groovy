// The base is the distro built earlier in this build, from the same caches: its unchanged kernel inputs and
// components are found in the build cache. One arch: the first the build was asked for.
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
def arch = puipuiArches.split(',')[0].trim()
// the mirror of that cache, for the builds with an empty cache of their own (4 and 5)
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\npuipui.arches=${arch}\npuipui.mirrors=${cache}/mirror\n"
// the base is published as it was built, with every arch: building it for one would rewrite its definition and SBOM
new File(basedir, 'base.properties').text = "puipui.cache=${cache}\npuipui.arches=${puipuiArches}\n"
// root's key for the derived image (its <authorizedKeys>), used by verify.groovy to log in over ssh
def keygen = ['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'derived-distro-it', '-f',
              new File(basedir, 'id_ed25519').path].execute()
keygen.waitForProcessOutput(System.out, System.err)
assert keygen.exitValue() == 0
// 4 and 5 stand for fresh machines: an empty build cache each, root's key, puipui-vsock's patch inside the project
def version = new groovy.xml.XmlSlurper().parse(new File(basedir, '../../../pom.xml')).version.text()
['overlay-only', 'patched-one'].each { p ->
    def dir = new File(basedir, p)
    new File(dir, 'empty-cache').deleteDir()
    new File(dir, 'target').deleteDir()
    def pom = new File(dir, 'pom.xml')
    pom.text = pom.text.replace('@project.version@', version)
}
new File(basedir, 'overlay-only/id_ed25519.pub').text = new File(basedir, 'id_ed25519.pub').text
new File(basedir, 'patched-one/patches').mkdirs()
new File(basedir, 'patched-one/patches/vsock-usage.patch').bytes = new File(basedir, 'patches/vsock-usage.patch').bytes
// what the mvn launcher script runs, and nothing else: no cc, gcc, make, zopfli, setsid or flock
def bin = new File(basedir, 'launcher-only-bin')
bin.deleteDir()
bin.mkdirs()
['sh', 'java', 'uname', 'dirname', 'basename', 'expr', 'find', 'tr', 'ls', 'cat', 'sed', 'grep', 'readlink', 'which'].each { tool ->
    def found = System.getenv('PATH').split(':').collect { new File(it, tool) }.find { it.canExecute() }
    assert found : "${tool} is not on the PATH"
    java.nio.file.Files.createSymbolicLink(new File(bin, tool).toPath(), found.getCanonicalFile().toPath())
}
return true
