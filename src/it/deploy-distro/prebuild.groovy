// This test works on the distro built earlier in this build: same cache (sources, toolchains) and same arches.
// test.properties is passed to the build as -D properties.
def cache = System.getProperty('puipui.cache') ?: ((System.getenv('XDG_CACHE_HOME') ?: System.getProperty('user.home') + '/.cache') + '/puipui')
new File(basedir, 'test.properties').text = "puipui.cache=${cache}\npuipui.arches=${puipuiArches}\n" +
        "altDeploymentRepository=it::${new File(basedir, 'repo').toURI()}\n"
return true
