// The Maven distributions the matrix runs under are the bytes pinned here; on a mismatch nothing of them is used.
import java.security.MessageDigest
def pinned = ['3.9.16'    : '80ffca22aed9e8b9713a232f3394fd81d7f20322df75efdb2b047dbd3e3a23bb',
              '4.0.0-rc-5': 'ece6a5c99d3d041c76e7fed1814eb9ea3a20a120bcb3c235a73d2c4e8db16ca1']
def matrix = new File(basedir, '../../maven-matrix').canonicalFile
pinned.each { version, sha256 ->
    def dist = new File(localRepositoryPath, "org/apache/maven/apache-maven/${version}/apache-maven-${version}-bin.tar.gz")
    def actual = MessageDigest.getInstance('SHA-256').digest(dist.bytes).encodeHex().toString()
    if (actual != sha256) {
        new File(matrix, "apache-maven-${version}").deleteDir()
        assert false : "${dist} has sha256 ${actual}, not the pinned ${sha256}"
    }
    def mvn = new File(matrix, "apache-maven-${version}/bin/mvn")
    assert mvn.isFile() : "${mvn} was not unpacked"
    mvn.setExecutable(true)
}
return true
