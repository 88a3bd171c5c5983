def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 3
// 1: the committed kconfig files are what update-kconfig writes of them
assert runs[0].contains('BUILD SUCCESS')
assert runs[0].contains('aarch64: starting from') && runs[0].contains('x86_64: starting from')
def committed = { String arch -> new File(basedir, "../../../kconfig/${arch}.config") }
def fixedPoint = { String arch -> "kconfig/${arch}.config is not what update-kconfig writes: run mvn puipui:update-kconfig and commit it" }
assert new File(basedir, 'kconfig/aarch64.config').bytes == committed('aarch64').bytes : fixedPoint('aarch64')
// 2: the existing .config refreshed, the override applied and written back
assert runs[1].contains('x86_64: refreshing the existing') && runs[1].contains('overrides from the environment: [CONFIG_DUMMY=y]')
// 3: the override did not survive: the goal fails naming it and the values of what it depends on
assert runs[2].contains('CONFIG_NFT_NAT: asked y, became absent')
assert runs[2] =~ /depends on .*NF_CONNTRACK \[=n\]/
assert runs[2].contains('is left as it was') && runs[2].contains('BUILD FAILURE')
// savedefconfig output of run 2: the committed x86_64 file (run 1 left it as it was) with the override, nothing of run 3
def config = new File(basedir, 'kconfig/x86_64.config').readLines()
assert config.contains('CONFIG_DUMMY=y')
assert !config.any { it.contains('NFT_NAT') }
assert !config.any { it.startsWith('# Automatically generated') }
def others = config - 'CONFIG_DUMMY=y'
def x86 = committed('x86_64').readLines()
assert others == x86 : fixedPoint('x86_64') + ' (or the override changed more than itself): ' + ((others - x86) + (x86 - others))
return true
