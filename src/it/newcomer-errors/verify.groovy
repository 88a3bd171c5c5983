def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 5
// Maven 4 refuses a missing profile itself, before any project is read: no BUILD FAILURE line then
def maven4MissingProfile = { it.contains('The requested profiles [arch-arm64] could not be activated or deactivated because they do not exist') }
runs.each { assert it.contains('BUILD FAILURE') || maven4MissingProfile(it) }
// 1: which command builds the image
assert runs[0].contains('no x86_64 image in') && runs[0].contains('build it first (mvn package -Parch-x86_64)')
// 2: the missing file and the command that creates it
assert runs[1] =~ /no kernel config for x86_64: .*kconfig\/x86_64.config does not exist/
assert runs[1].contains('mvn puipui:update-kconfig -Parch-x86_64')
// 3: the wrong fs path, named
assert runs[2] =~ /fs template .*no-such-fs is not a directory/
// 4, 5: the valid arches listed
assert runs[3].contains('there is no profile arch-arm64: the arch profiles are') || maven4MissingProfile(runs[3])
assert runs[4].contains("unknown arch 'riscv64' in puipui.arches (known: aarch64, x86_64)")
return true
