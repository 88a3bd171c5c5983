// The puipui-distro packaging binds its goals in pipeline order.
def log = new File(basedir, 'build.log').text
def order = [':fetch (default-fetch) @', 'maven-resources-plugin:3.3.1:resources (default-resources) @']
def at = order.collect { log.indexOf(it) }
assert at.every { it >= 0 } : "missing lifecycle steps: ${order.findAll { log.indexOf(it) < 0 }}"
assert at == at.sort(false) : "lifecycle out of order: ${order} at ${at}"
assert log.contains('[ puipui-distro ]') : 'packaging is not puipui-distro'
assert log.contains('verified hello-1.0.tar.gz (sha256 6072230729f2f16755f10925eceaf55aa9de7ccf9c519990031de6b6ac228458)')
return true
