// Layout, classifiers and checksums of the deployed distro.
import java.security.MessageDigest
def hex = { String alg, File f -> MessageDigest.getInstance(alg).digest(f.bytes).encodeHex().toString() }
def dir = new File(basedir, 'repo/io/github/puipui/puipui-distro')
def versionDir = dir.listFiles().find { it.isDirectory() }
assert versionDir != null : "nothing deployed under ${dir}"
def files = versionDir.listFiles()*.name.sort()
def target = new File(basedir, '../../../puipui-distro/target')
def built = target.listFiles().findAll { it.name ==~ /puipui-distro-.*-(aarch64|x86_64)\.tar\.gz/ }
assert !built.isEmpty()
for (b in built) {
    def classifier = (b.name =~ /-(aarch64|x86_64)\.tar\.gz$/)[0][1]
    def deployed = versionDir.listFiles().findAll { it.name.endsWith("-${classifier}.tar.gz") }
    assert deployed.size() == 1 : "${classifier}: ${files}"
    def d = deployed[0]
    assert hex('SHA-256', d) == hex('SHA-256', b) : "${d.name} differs from ${b.name}"
    assert new File(d.path + '.sha1').text.trim() == hex('SHA-1', d)
    assert new File(d.path + '.md5').text.trim() == hex('MD5', d)
}
def pom = versionDir.listFiles().find { it.name.endsWith('.pom') }
assert pom != null && pom.text.contains('<packaging>puipui-distro</packaging>') : "the POM is the main artifact: ${files}"
def metadata = new File(versionDir, 'maven-metadata.xml').text
built.each { b ->
    def classifier = (b.name =~ /-(aarch64|x86_64)\.tar\.gz$/)[0][1]
    assert metadata.contains("<classifier>${classifier}</classifier>")
}
assert metadata.contains('<extension>tar.gz</extension>')
return true
