// A misspelt symbol and one with an unmet dependency fail the build, each named with what was asked and what it became.
def log = new File(basedir, 'build.log').text
assert log.contains('x86_64.config asks for 2 value(s) that kconfig did not keep')
assert log.contains('CONFIG_VIRTIO_BLKK: asked y, became absent (unknown symbol, or its dependencies are unmet)')
assert log.contains('CONFIG_DRM_VIRTIO_GPU: asked y, became')
assert !log.contains('CONFIG_VIRTIO_MENU:')
assert !new File(basedir, 'target/puipui/x86_64/linux/vmlinux').exists() : 'the kernel must not be built'
return true
