def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 2 && runs.every { it.contains('BUILD SUCCESS') }
assert runs[1].contains('aarch64: refreshing the existing') && runs[1].contains('x86_64: refreshing the existing')
['aarch64', 'x86_64'].each { arch ->
    def committed = new File(basedir, "../../../kconfig/${arch}.config").bytes
    def updated = new File(basedir, "kconfig/${arch}.config").bytes
    assert committed == updated : "kconfig/${arch}.config is not what update-kconfig writes: run mvn puipui:update-kconfig and commit it"
}
return true
