def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 3
assert runs[0].contains('x86_64: starting from') && runs[0].contains('overrides from the environment: [CONFIG_IKCONFIG_PROC=y]')
assert runs[1].contains('x86_64: refreshing the existing')
// 3: the override did not survive: the goal fails naming it and the values of what it depends on
assert runs[2].contains('CONFIG_NFT_NAT: asked y, became absent')
assert runs[2] =~ /depends on .*NF_CONNTRACK \[=n\]/
assert runs[2].contains('is left as it was') && runs[2].contains('BUILD FAILURE')
def config = new File(basedir, 'kconfig/x86_64.config').readLines()
// savedefconfig output of run 2: only non-default symbols, the override kept, the requests kept; nothing of run 3
assert config.contains('CONFIG_IKCONFIG_PROC=y')
assert config.contains('CONFIG_IKCONFIG=y')
assert config.contains('# CONFIG_SWAP is not set')
assert !config.any { it.contains('NFT_NAT') }
assert !config.any { it.startsWith('# Automatically generated') }
return true
