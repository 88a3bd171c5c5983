def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 1 && runs[0].contains('BUILD SUCCESS')
assert runs[0].contains('aarch64: starting from') && runs[0].contains('x86_64: starting from')
['aarch64', 'x86_64'].each { arch ->
    def committed = new File(basedir, "../../../kconfig/${arch}.config").bytes
    def updated = new File(basedir, "kconfig/${arch}.config").bytes
    assert committed == updated : "kconfig/${arch}.config is not what update-kconfig writes: run mvn puipui:update-kconfig and commit it"
}
return true
