// The three invocations log into one build.log, each starting with "Scanning for projects".
def runs = new File(basedir, 'build.log').text.split(/\[INFO\] Scanning for projects/).drop(1)
assert runs.size() == 3 : "expected 3 invocations, saw ${runs.size()}"
def (first, second, third) = runs
assert first.contains('verified hello-1.0.tar.gz') && first.contains('src/it/files/hello-1.0.tar.gz')
assert second.contains('(offline)') && !second.contains('verified hello-1.0.tar.gz') && second.contains('BUILD SUCCESS')
assert third.contains('offline: hello 1.0 (hello-1.0.tar.gz sha256 6072230729f2f16755f10925eceaf55aa9de7ccf9c519990031de6b6ac228458) is neither in the cache')
assert third.contains('BUILD FAILURE')
return true
