// The base is the distro built earlier in this build, from the same caches: its unchanged kernel inputs and
// components are found in the build cache. One arch: the first the build was asked for.
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
def arch = puipuiArches.split(',')[0].trim()
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\npuipui.arches=${arch}\n"
// root's key for the derived image (its <authorizedKeys>), used by verify.groovy to log in over ssh
def keygen = ['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'derived-distro-it', '-f',
              new File(basedir, 'id_ed25519').path].execute()
keygen.waitForProcessOutput(System.out, System.err)
assert keygen.exitValue() == 0
return true
