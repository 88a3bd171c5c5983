// The site has a page per goal with each parameter's description, type, default, user property and since-version,
// the puipui-distro packaging's lifecycle, and the README as its guide.
def site = new File(basedir, '../../../puipui-maven-plugin/target/site').canonicalFile
def page = { String name ->
    def f = new File(site, name)
    assert f.isFile() : "${name} missing from ${site}: ${site.list()?.sort()}"
    f.text
}
def goals = ['fetch', 'kernel', 'userland', 'initramfs', 'package', 'update-kconfig', 'run', 'debian-sources', 'help']
def index = page('plugin-info.html')
goals.each { assert index.contains("${it}-mojo.html") : "plugin-info.html does not link the ${it} goal" }
def kernel = page('kernel-mojo.html')
['puipui.compilerLauncher', 'puipui.kernel.zopfliIterations', 'puipui.arches'].each {
    assert kernel.contains(it) : "kernel-mojo.html does not show the user property ${it}"
}
assert kernel.contains('Default') && kernel.contains('Type') && kernel.contains('Since') : 'kernel-mojo.html lacks a column'
assert kernel.contains('A command put in front of every C compiler call') : 'compilerLauncher is not described'
def lifecycle = page('lifecycle.html')
['generate-sources', 'puipui:fetch', 'prepare-package', 'puipui:initramfs'].each { assert lifecycle.contains(it) }
assert page('README.html').contains('Make your own distro')
println "plugin-site: ${site.list().findAll { it.endsWith('.html') }.size()} pages in ${site}"
return true
