def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 2
assert runs[0].contains('x86_64: starting from') && runs[0].contains('overrides from the environment: [CONFIG_IKCONFIG_PROC=y]')
assert runs[1].contains('x86_64: refreshing the existing')
def config = new File(basedir, 'kconfig/x86_64.config').readLines()
// savedefconfig output: only non-default symbols, the override kept, the requests kept
assert config.contains('CONFIG_IKCONFIG_PROC=y')
assert config.contains('CONFIG_IKCONFIG=y')
assert config.contains('# CONFIG_SWAP is not set')
assert !config.any { it.startsWith('# Automatically generated') }
return true
