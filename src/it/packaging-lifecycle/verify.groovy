// The puipui-distro packaging binds its goals in pipeline order, and install treats the POM as the main artifact.
// Maven 3.8 names a plugin by its artifactId in the log (maven-install-plugin:3.1.3:install), 3.9 and 4 by its
// prefix (install:3.1.3:install): both are accepted.
def log = new File(basedir, 'build.log').text
def order = [/:fetch \(default-fetch\) @/,
             /:kernel \(default-kernel\) @/, /:userland \(default-userland\) @/, /:initramfs \(default-initramfs\) @/,
             /:package \(default-package\) @/, /:boot-test \(default-boot-test\) @/,
             /:boot-verify \(default-boot-verify\) @/, /(maven-)?install(-plugin)?:3\.1\.3:install \(default-install\) @/]
def at = order.collect { def m = log =~ it; m.find() ? m.start() : -1 }
assert at.every { it >= 0 } : "missing lifecycle steps: ${order.findAll { !(log =~ it).find() }}"
assert at == at.sort(false) : "lifecycle out of order: ${order} at ${at}"
assert log.contains('[ puipui-distro ]') : 'packaging is not puipui-distro'
assert log.contains('BUILD SUCCESS')
// no resources goal, so a POM without project.build.sourceEncoding gets no platform-encoding warning
assert !(log =~ /(maven-)?resources(-plugin)?:[0-9.]+:resources/).find() : 'the packaging binds a resources goal'
assert !log.contains('platform encoding') : 'a platform-encoding warning'
return true
