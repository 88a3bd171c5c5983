// Layout, classifiers and checksums of the deployed distro, and its SBOM.
import java.security.MessageDigest
import groovy.json.JsonSlurper
def hex = { String alg, File f -> MessageDigest.getInstance(alg).digest(f.bytes).encodeHex().toString() }
def dir = new File(basedir, 'repo/io/github/puipui/puipui-distro')
def versionDir = dir.listFiles().find { it.isDirectory() }
assert versionDir != null : "nothing deployed under ${dir}"
def files = versionDir.listFiles()*.name.sort()
def target = new File(basedir, '../../../puipui-distro/target')
def arches = puipuiArches.split(/[,\s]+/) as List
// per arch: upstream's tarball (Image.gz / bzImage) and the one with the uncompressed kernel (Image / vmlinux)
def classifiers = arches.collectMany { it == 'aarch64' ? ['aarch64', 'aarch64-image'] : ['x86_64', 'x86_64-vmlinux'] }
// a SNAPSHOT is deployed under a timestamped name: find files by classifier and extension
def withClassifier = { File where, String classifier, String ext ->
    def d = where.listFiles().findAll { it.name ==~ /puipui-distro-.*-${classifier}\.${ext.replace('.', '\\.')}/ }
    assert d.size() == 1 : "${classifier}.${ext} in ${where}: ${where.listFiles()*.name.sort()}"
    d[0]
}
def deployedFile = { String classifier, String ext -> withClassifier(versionDir, classifier, ext) }
def builtFile = { String classifier, String ext -> withClassifier(target, classifier, ext) }
def checkSidecars = { File d ->
    assert new File(d.path + '.sha1').text.trim() == hex('SHA-1', d)
    assert new File(d.path + '.md5').text.trim() == hex('MD5', d)
}
def sbomFile = deployedFile('cyclonedx', 'json')
checkSidecars(sbomFile)
assert hex('SHA-256', sbomFile) == hex('SHA-256', builtFile('cyclonedx', 'json')) : 'the SBOM deployed is the one built'
def sbom = new JsonSlurper().parse(sbomFile)
assert sbom.bomFormat == 'CycloneDX' && sbom.specVersion == '1.5'
def published = sbom.components.findAll { it.type == 'file' }.collectEntries { [(it['bom-ref']): it.hashes[0].content] }
for (c in classifiers) {
    def d = deployedFile(c, 'tar.gz')
    def b = builtFile(c, 'tar.gz')
    assert hex('SHA-256', d) == hex('SHA-256', b) : "${d.name} differs from ${b.name}"
    checkSidecars(d)
    assert published["file:${b.name}"] == hex('SHA-256', d) : "the SBOM lists ${b.name} with its sha256"
}
// each arch's binaries, which derived distros take their unchanged steps from, named with their digest in the definition
for (a in arches) {
    def d = deployedFile("${a}-binaries", 'tar.gz')
    checkSidecars(d)
    assert hex('SHA-256', d) == hex('SHA-256', builtFile("${a}-binaries", 'tar.gz'))
    assert published["file:${builtFile("${a}-binaries", 'tar.gz').name}"] == hex('SHA-256', d)
}
// the distro's definition, from which other distros derive (see the derived-distro test)
def definition = deployedFile('definition', 'tar.gz')
checkSidecars(definition)
assert hex('SHA-256', definition) == hex('SHA-256', builtFile('definition', 'tar.gz'))
def distroXml = new java.util.zip.GZIPInputStream(new FileInputStream(definition)).withCloseable { new String(it.readAllBytes(), 'UTF-8') }
for (a in arches) {
    def sha = hex('SHA-256', deployedFile("${a}-binaries", 'tar.gz'))
    assert distroXml.contains("<arch>${a}</arch>\n      <sha256>${sha}</sha256>") : "the definition names the ${a} binaries' sha256"
}
// the JSON Schema of the guest report, published as it is
def schema = deployedFile('report-schema', 'json')
checkSidecars(schema)
assert schema.bytes == new File(basedir, '../../../puipui-distro/src/main/schema/guest-report.schema.json').bytes
assert new JsonSlurper().parse(schema).'$id' == 'urn:puipui:guest-report:1'
assert published["file:${builtFile('report-schema', 'json').name}"] == hex('SHA-256', schema) : 'the SBOM lists the schema'
def sources = sbom.components.findAll { it.type != 'file' }
assert sources*.name.containsAll(['linux', 'busybox', 'dropbear', 'socat', 'curl', 'mbedtls', 'musl'])
sources.each { s ->
    assert s.version && s.purl.startsWith("pkg:generic/${s.name}@${s.version}?checksum=sha256:") : s
    assert s.externalReferences[0].url.startsWith('https://') && s.externalReferences[0].hashes[0].content ==~ /[0-9a-f]{64}/ : s
    assert s.licenses : "${s.name} has a license"
}
arches.each { a -> assert sbom.metadata.component.properties.find { it.name == "puipui:kernel-config-sha256:${a}" } }
def pom = versionDir.listFiles().find { it.name.endsWith('.pom') }
assert pom != null && pom.text.contains('<packaging>puipui-distro</packaging>') : "the POM is the main artifact: ${files}"
def metadata = new File(versionDir, 'maven-metadata.xml').text
(classifiers + arches.collect { "${it}-binaries" } + ['cyclonedx', 'definition', 'report-schema']).each { assert metadata.contains("<classifier>${it}</classifier>") }
assert metadata.contains('<extension>tar.gz</extension>') && metadata.contains('<extension>json</extension>')
return true
