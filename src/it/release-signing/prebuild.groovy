// A throwaway signing key in a GnuPG home of this test's own, and the -D properties of the release build.
def gnupg = new File(basedir, 'gnupg')
gnupg.deleteDir()
gnupg.mkdirs()
['chmod', '700', gnupg.path].execute().waitFor()
def run = { List<String> cmd ->
    def p = cmd.execute()
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out) // the output is all read, not only the process ended
    assert p.exitValue() == 0 : "${cmd.join(' ')}: ${out}"
    out.toString()
}
run(['gpg', '--batch', '--homedir', gnupg.path, '--pinentry-mode', 'loopback', '--passphrase', '',
     '--quick-gen-key', 'puipui release test <release-test@puipui.invalid>', 'ed25519', 'sign', '1d'])
def fingerprint = run(['gpg', '--batch', '--homedir', gnupg.path, '--list-secret-keys', '--with-colons'])
        .readLines().find { it.startsWith('fpr:') }.split(':')[9]
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
new File(basedir, 'test.properties').text = """puipui.cache=${cache}
puipui.arches=${puipuiArches}
gpg.homedir=${gnupg.path}
gpg.keyname=${fingerprint}
altDeploymentRepository=it::${new File(basedir, 'repo').toURI()}
aether.checksums.algorithms=SHA-256,SHA-512,SHA-1,MD5
"""
new File(basedir, 'fingerprint.txt').text = fingerprint
return true
