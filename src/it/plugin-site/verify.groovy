// The site has a page per goal with each parameter's description, type, default, user property and since-version,
// the puipui-distro packaging's lifecycle, the README as its guide, and the guide's further pages
// (src/site/markdown/*.md, which the README links to).
def site = new File(basedir, '../../../puipui-maven-plugin/target/site').canonicalFile
def page = { String name ->
    def f = new File(site, name)
    assert f.isFile() : "${name} missing from ${site}: ${site.list()?.sort()}"
    f.text
}
def goals = ['fetch', 'kernel', 'userland', 'initramfs', 'package', 'update-kconfig', 'run', 'debian-sources', 'boot-test', 'boot-verify', 'help']
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
// the guide links the site's pages by their sources, for a repository browser; on the site those are the pages
def guide = page('README.html')
assert !(guide =~ /href="[^"]*src\/site\/markdown\//).find() : 'README.html links a page by its source path'
def linked = (guide =~ /href="([^"#:\/]+\.html)"/).collect { it[1] }.unique()
['lifecycle.html', 'internals.html', 'kernel.html', 'tests.html', 'performance.html', 'boot-test.html'].each {
    assert linked.contains(it) : "README.html does not link ${it}: ${linked}"
}
linked.each { assert new File(site, it).isFile() : "README.html links ${it}, which the site does not have" }
// each further page, by a heading or sentence of its own (none of them is a menu label, which every page shows)
[
    'internals.html'         : 'Why one command can build a plugin and a project that uses it',
    'kernel.html'            : 'Changing the kernel configuration',
    'guest-report.html'      : 'Exit status',
    'boot-test.html'         : 'How the goal logs in',
    'userland.html'          : 'Declared as data in',
    'image.html'             : 'The file system template',
    'build-cache.html'       : 'Stopping a build',
    'sources.html'           : 'Who the cache trusts',
    'tests.html'             : 'The Maven matrix',
    'releasing.html'         : 'A maintainer releases with Maven 3.9 or later',
    'performance.html'       : 'How these are measured',
    'adding-a-component.html': 'and verifies the new source',
    'recipe-autotools.html'  : 'configure is not run',
    'recipe-cmake.html'      : 'a toolchain file generated from the musl toolchain',
    'recipe-meson.html'      : 'a cross file generated from the musl toolchain',
    'recipe-make.html'       : 'a project with a hand-written configure script',
].each { name, text -> assert page(name).contains(text) : "${name} lacks '${text}'" }
println "plugin-site: ${site.list().findAll { it.endsWith('.html') }.size()} pages in ${site}"
return true
