// The puipui-distro packaging binds its goals in pipeline order, and install treats the POM as the main artifact.
def log = new File(basedir, 'build.log').text
def order = [':fetch (default-fetch) @', 'maven-resources-plugin:3.3.1:resources (default-resources) @',
             ':kernel (default-kernel) @', ':userland (default-userland) @', ':initramfs (default-initramfs) @',
             ':package (default-package) @', 'maven-install-plugin:3.1.3:install (default-install) @']
def at = order.collect { log.indexOf(it) }
assert at.every { it >= 0 } : "missing lifecycle steps: ${order.findAll { log.indexOf(it) < 0 }}"
assert at == at.sort(false) : "lifecycle out of order: ${order} at ${at}"
assert log.contains('[ puipui-distro ]') : 'packaging is not puipui-distro'
assert log.contains('BUILD SUCCESS')
return true
