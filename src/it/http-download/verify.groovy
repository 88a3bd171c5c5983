def server = System.properties.remove('it.http.server')
def hits = System.properties.remove('it.http.hits')
server?.stop(0)
def log = new File(basedir, 'build.log').text
assert hits == ['/dist/hello-1.0.tar.gz'] : "requests: ${hits}"
assert log.contains('downloading hello-1.0.tar.gz from http://127.0.0.1:')
assert log.contains('verified hello-1.0.tar.gz (sha256 6072230729f2f16755f10925eceaf55aa9de7ccf9c519990031de6b6ac228458) from http://127.0.0.1:')
return true
