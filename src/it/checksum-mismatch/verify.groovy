// A wrong digest fails the build naming the file, the expected and the actual digest, and caches nothing.
def log = new File(basedir, 'build.log').text
assert log.contains('sha256 mismatch for hello-1.0.tar.gz from file:')
assert log.contains('expected 0000000000000000000000000000000000000000000000000000000000000000')
assert log.contains('actual 6072230729f2f16755f10925eceaf55aa9de7ccf9c519990031de6b6ac228458')
def cache = new File(basedir, 'target/cache')
def cached = []
if (cache.exists()) cache.eachFileRecurse(groovy.io.FileType.FILES) { cached << it }
assert cached.isEmpty() : "left in the cache: ${cached}"
return true
