// Every file of the release is signed by the release key (gpg --verify), and its sha256 and sha512 files match.
import java.security.MessageDigest
def gnupg = new File(basedir, 'gnupg')
def fingerprint = new File(basedir, 'fingerprint.txt').text.trim()
def repo = new File(basedir, 'repo/io/github/puipui')
def hex = { String alg, File f -> MessageDigest.getInstance(alg).digest(f.bytes).encodeHex().toString() }
try {
    def deployed = []
    repo.eachFileRecurse(groovy.io.FileType.FILES) { f ->
        if (!(f.name ==~ /.*\.(asc|md5|sha1|sha256|sha512)/) && !f.name.startsWith('maven-metadata')) {
            deployed << f
        }
    }
    deployed.sort()
    def arches = puipuiArches.split(/[,\s]+/) as List
    def lineArches = puipuiLineArches.split(/[,\s]+/) as List
    def distro = { List<String> as -> ['.pom', '-definition.tar.gz', '-cyclonedx.json'] + as.collectMany {
        (it == 'aarch64' ? ['-aarch64.tar.gz', '-aarch64-image.tar.gz'] : ['-x86_64.tar.gz', '-x86_64-vmlinux.tar.gz']) +
                ["-${it}-binaries.tar.gz".toString()]
    } }
    def expected = ['puipui': ['.pom'],
                    'puipui-maven-plugin': ['.pom', '.jar', '-sources.jar', '-javadoc.jar', '-cyclonedx.json'],
                    'puipui-distro': distro(arches) + ['-report-schema.json'],
                    // the kernel lines, each a distro of its own
                    'puipui-distro-linux-6.12': distro(lineArches),
                    'puipui-distro-linux-7.1': distro(lineArches)]
    assert !deployed.any { it.parentFile.parentFile.name == 'puipui-distros' } : "the lines' reactor pom is not deployed"
    expected.each { artifact, endings ->
        def files = deployed.findAll { it.parentFile.parentFile.name == artifact }*.name
        endings.each { e ->
            // a SNAPSHOT is deployed as <artifact>-<version>-<timestamp>-<build><ending>
            assert files.any { it ==~ /${artifact}-[0-9][^-]*(-SNAPSHOT|-[0-9.]+-[0-9]+)?${java.util.regex.Pattern.quote(e)}/ } :
                    "no ${artifact} *${e} deployed: ${files}"
        }
    }
    def report = new StringBuilder()
    deployed.each { f ->
        def asc = new File(f.path + '.asc')
        assert asc.isFile() : "${f.name} has no signature"
        def p = ['gpg', '--batch', '--homedir', gnupg.path, '--status-fd', '1', '--verify', asc.path, f.path].execute()
        def out = new StringBuilder()
        p.waitForProcessOutput(out, out) // the output is all read, not only the process ended
        assert p.exitValue() == 0 : "gpg --verify ${asc.name}: ${out}"
        assert out.toString().contains("VALIDSIG ${fingerprint} ") : "${asc.name} is not signed by the release key: ${out}"
        assert new File(f.path + '.sha256').text.trim() == hex('SHA-256', f) : "${f.name}.sha256"
        assert new File(f.path + '.sha512').text.trim() == hex('SHA-512', f) : "${f.name}.sha512"
        report << "${repo.toPath().relativize(f.toPath())} ${f.length()} signed, sha256 ${hex('SHA-256', f)}\n"
    }
    new File(basedir, 'signed-files.txt').text = report.toString()
    println "release-signing: ${deployed.size()} files signed and checksummed:\n${report}"
} finally {
    ['gpgconf', '--homedir', gnupg.path, '--kill', 'all'].execute().waitFor()
}
return true
