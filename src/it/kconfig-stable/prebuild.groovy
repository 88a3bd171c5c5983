// A copy of the repository's kconfig files, and the outer build's cache (it has the kernel source already).
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\n"
def repo = new File(basedir, '../../../kconfig')
def copy = new File(basedir, 'kconfig')
copy.mkdirs()
['aarch64', 'x86_64'].each { new File(copy, "${it}.config").bytes = new File(repo, "${it}.config").bytes }
return true
