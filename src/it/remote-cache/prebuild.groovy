// A real nginx on 127.0.0.1, over https with a certificate made here (the builds trust it through a trust store
// holding the JDK's CAs and it, passed in MAVEN_OPTS), with WebDAV PUT and Basic authentication (user ci, the
// password of the settings' server it-remote-cache: credentials never go over plain http), two Ed25519 keys made
// with openssl, and a second clone of this repository (clone-b: the
// distro's module and what it reads, without target/) standing for another machine.
import java.nio.file.Files
import java.nio.file.StandardCopyOption

def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
def arch = puipuiArches.split(',')[0].trim()
def run = { List<String> cmd ->
    def p = cmd.execute()
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "${cmd.join(' ')}: ${out}"
    out.toString()
}
// every run starts with empty local caches and an empty server
['www', 'nginx', 'keys', 'clone-b', 'base-repo'].each { new File(basedir, it).deleteDir() }
basedir.eachDirMatch(~/cache-[0-9]+/) { it.deleteDir() }
new File(basedir, 'tampered.txt').delete()
new File(basedir, 'www/cache').mkdirs()
new File(basedir, 'nginx/tmp').mkdirs()
new File(basedir, 'keys').mkdirs()
['a', 'b'].each { k ->
    run(['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', new File(basedir, "keys/${k}.pem").path])
    run(['openssl', 'pkey', '-in', new File(basedir, "keys/${k}.pem").path, '-pubout', '-out', new File(basedir, "keys/${k}.pub").path])
}
def hash = run(['openssl', 'passwd', '-apr1', 'cache-secret']).trim()
new File(basedir, 'nginx/htpasswd').text = "ci:${hash}\n"
def port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).withCloseable { it.localPort }
def n = new File(basedir, 'nginx').absolutePath
run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
     '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', "${n}/cert.key", '-out', "${n}/cert.pem"])
def trust = new File(n, 'truststore.p12')
Files.copy(new File(System.getProperty('java.home'), 'lib/security/cacerts').toPath(), trust.toPath())
run([new File(System.getProperty('java.home'), 'bin/keytool').path, '-importcert', '-noprompt', '-alias', 'it-nginx',
     '-file', "${n}/cert.pem", '-keystore', trust.path, '-storepass', 'changeit'])
new File(basedir, 'nginx/nginx.conf').text = """daemon off;
master_process off;
error_log ${n}/error.log info;
pid ${n}/nginx.pid;
events { worker_connections 64; }
http {
    access_log ${n}/access.log;
    client_body_temp_path ${n}/tmp;
    proxy_temp_path ${n}/tmp;
    fastcgi_temp_path ${n}/tmp;
    uwsgi_temp_path ${n}/tmp;
    scgi_temp_path ${n}/tmp;
    client_max_body_size 0;
    server {
        listen 127.0.0.1:${port} ssl;
        ssl_certificate ${n}/cert.pem;
        ssl_certificate_key ${n}/cert.key;
        root ${new File(basedir, 'www').absolutePath};
        location /cache/ {
            dav_methods PUT;
            create_full_put_path on;
            auth_basic "puipui remote cache";
            auth_basic_user_file ${n}/htpasswd;
        }
    }
}
"""
def nginx = new ProcessBuilder('nginx', '-p', n, '-c', "${n}/nginx.conf").redirectErrorStream(true)
        .redirectOutput(new File(basedir, 'nginx/stdout.log')).start()
new File(basedir, 'nginx/pid.txt').text = "${nginx.pid()}"
// wait for the state used: nginx answering over https (401 without credentials)
def ks = java.security.KeyStore.getInstance('PKCS12')
trust.withInputStream { ks.load(it, 'changeit'.toCharArray()) }
def tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.defaultAlgorithm)
tmf.init(ks)
def tls = javax.net.ssl.SSLContext.getInstance('TLS')
tls.init(null, tmf.trustManagers, null)
def deadline = System.nanoTime() + 30_000_000_000L
def up = false
while (!up && nginx.alive && System.nanoTime() < deadline) {
    try {
        def c = new URL("https://127.0.0.1:${port}/cache/").openConnection()
        c.SSLSocketFactory = tls.socketFactory
        up = c.responseCode == 401
    } catch (IOException e) {
        Thread.sleep(100)
    }
}
assert up : "nginx did not start: ${new File(basedir, 'nginx/stdout.log').text}"

// machine 2: the distro's module and what it reads, copied as a clone would have them
def repo = new File(basedir, '../../..').canonicalFile
// a clone has no target/: its build output is neither copied nor walked (the directory itself still reaches the closure)
def inTarget = { File from, File f -> from.toPath().relativize(f.toPath()).startsWith('target') }
def copyTree = { File from, File to ->
    def skipTarget = { d -> inTarget(from, d) ? groovy.io.FileVisitResult.SKIP_SUBTREE : groovy.io.FileVisitResult.CONTINUE }
    from.traverse(preDir: skipTarget) { f ->
        if (inTarget(from, f)) {
            return
        }
        def t = to.toPath().resolve(from.toPath().relativize(f.toPath()))
        if (f.isDirectory()) {
            Files.createDirectories(t)
        } else {
            Files.createDirectories(t.parent)
            Files.copy(f.toPath(), t, StandardCopyOption.COPY_ATTRIBUTES)
        }
    }
}
def clone = new File(basedir, 'clone-b')
['puipui-distro', 'kconfig', 'fs', 'busybox_config', 'scripts'].each { copyTree(new File(repo, it), new File(clone, it)) }
Files.copy(new File(repo, 'pom.xml').toPath(), new File(clone, 'pom.xml').toPath())

def version = new groovy.xml.XmlSlurper().parse(new File(repo, 'pom.xml')).version.text()
def hello = new File(basedir, 'hello/pom.xml')
hello.text = hello.text.replace('@project.version@', version)

new File(basedir, 'test.properties').text = """puipui.cache=${cache}
puipui.arches=${arch}
puipui.mirrors=${cache}/mirror
puipui.remoteCache=https://127.0.0.1:${port}/cache/
puipui.remoteCache.serverId=it-remote-cache
"""
// machine 1 is the distro as it was built, with every arch: building it for one would rewrite its definition and SBOM
new File(basedir, 'base.properties').text = new File(basedir, 'test.properties').text
        .replace("puipui.arches=${arch}\n", "puipui.arches=${puipuiArches}\n")
return true
