// The puipui-distro packaging binds its goals in pipeline order, and install treats the POM as the main artifact.
// Maven 3.8 names a plugin by its artifactId in the log (maven-resources-plugin:3.3.1:resources), 3.9 and 4 by its
// prefix (resources:3.3.1:resources): both are accepted.
def log = new File(basedir, 'build.log').text
def order = [/:fetch \(default-fetch\) @/, /(maven-)?resources(-plugin)?:3\.3\.1:resources \(default-resources\) @/,
             /:kernel \(default-kernel\) @/, /:userland \(default-userland\) @/, /:initramfs \(default-initramfs\) @/,
             /:package \(default-package\) @/, /(maven-)?install(-plugin)?:3\.1\.3:install \(default-install\) @/]
def at = order.collect { def m = log =~ it; m.find() ? m.start() : -1 }
assert at.every { it >= 0 } : "missing lifecycle steps: ${order.findAll { !(log =~ it).find() }}"
assert at == at.sort(false) : "lifecycle out of order: ${order} at ${at}"
assert log.contains('[ puipui-distro ]') : 'packaging is not puipui-distro'
assert log.contains('BUILD SUCCESS')
return true
