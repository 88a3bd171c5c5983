// Serves src/it/files on a loopback port for the build; verify.groovy stops it.
import com.sun.net.httpserver.HttpServer
def files = new File(basedir, '../../../src/it/files').canonicalFile
def server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
def hits = []
server.createContext('/dist/') { ex ->
    def f = new File(files, ex.requestURI.path.substring('/dist/'.length()))
    hits << ex.requestURI.path
    if (f.isFile()) {
        ex.sendResponseHeaders(200, f.length())
        ex.responseBody.withStream { it << f.bytes }
    } else {
        ex.sendResponseHeaders(404, -1)
    }
    ex.close()
}
server.start()
System.properties.put('it.http.server', server)
System.properties.put('it.http.hits', hits)
// test.properties is read after this hook and passed to the build as -D properties
new File(basedir, 'test.properties').text = "it.http.port=${server.address.port}\n"
return true
