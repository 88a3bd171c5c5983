def log = new File(basedir, 'build.log').text
assert log =~ /booting (aarch64|x86_64) \(TCG\); ssh: ssh -p \d+ root@127\.0\.0\.1/
assert log.contains('localhost login:') : 'the console shows the login prompt'
assert log.contains('guest: stopping it after 15 s') : 'puipui.run.seconds ends the guest'
return true
