// Shared by the ITs that need the real kernel source: use the same cache as the outer build (which has already
// fetched and verified it), never the network. test.properties is passed to the build as -D properties.
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\n"
// a copy of the repository's kconfig files: run 1 must leave them as they are
def repo = new File(basedir, '../../../kconfig')
def copy = new File(basedir, 'kconfig')
copy.mkdirs()
['aarch64', 'x86_64'].each { new File(copy, "${it}.config").bytes = new File(repo, "${it}.config").bytes }
return true
