/*
 * puipui-vsock: the vsock facts a shell cannot read.
 *
 *   puipui-vsock cid         print the guest's CID, as the kernel reports it on /dev/vsock
 *   puipui-vsock bound PORT  exit 0 if a vsock listener is up on PORT (a connection to the guest's own CID is
 *                            accepted), 1 if not; it never binds PORT
 *   puipui-vsock echo CID    bind a listener on CID, connect to it, send bytes and read them back
 *
 * Exit status: 0 yes/pass, 1 no/fail (with the reason on stderr), 2 usage. No stdio: it would triple the size.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

/* writes the strings up to the NULL to fd */
static void say(int fd, const char *s, ...)
{
	va_list ap;
	va_start(ap, s);
	for (; s; s = va_arg(ap, const char *))
		write(fd, s, strlen(s));
	va_end(ap);
}

static const char *num(unsigned v)
{
	static char buf[4][12];
	static int n;
	char *p = buf[n = (n + 1) % 4] + 11;
	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

static int fail(const char *what)
{
	say(2, "puipui-vsock: ", what, ": ", strerror(errno), "\n", NULL);
	return 1;
}

static unsigned parse(const char *s)
{
	unsigned long v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9' && v <= 0xffffffffu; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (p == s || *p != '\0' || v > 0xfffffffeu) {
		say(2, "puipui-vsock: not a number up to 4294967294: ", s, "\n", NULL);
		exit(2);
	}
	return (unsigned)v;
}

static struct sockaddr_vm address(unsigned cid, unsigned port)
{
	struct sockaddr_vm a;
	memset(&a, 0, sizeof a);
	a.svm_family = AF_VSOCK;
	a.svm_cid = cid;
	a.svm_port = port;
	return a;
}

static int cid(void)
{
	unsigned int c;
	int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("/dev/vsock");
	if (ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &c) < 0)
		return fail("IOCTL_VM_SOCKETS_GET_LOCAL_CID");
	say(1, num(c), "\n", NULL);
	return 0;
}

/*
 * Something listens on the port when a connection to this guest's own CID (the loopback transport) is accepted; it
 * is closed at once. The probe never binds the port: the listener it waits for may be about to bind it.
 */
static int bound(unsigned port)
{
	struct sockaddr_vm a = address(VMADDR_CID_LOCAL, port);
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	alarm(2);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
		close(fd);
		return 0;
	}
	if (errno == ECONNRESET || errno == ECONNREFUSED)
		return 1;
	return fail("connect to the guest's own CID");
}

static int echo(unsigned c)
{
	static const char sent[] = "puipui vsock ok\n";
	char got[sizeof sent], back[sizeof sent];
	struct sockaddr_vm a = address(c, VMADDR_PORT_ANY);
	socklen_t len = sizeof a;
	int l, s, p;

	alarm(10);
	if ((l = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fail("socket");
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
		return fail("bind on the guest's CID");
	if (listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&a, &len) < 0)
		return fail("listen");
	if ((s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return fail("socket");
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		return fail("connect to the listener");
	if ((p = accept(l, NULL, NULL)) < 0)
		return fail("accept");
	if (write(s, sent, sizeof sent) != sizeof sent)
		return fail("send");
	if (recv(p, got, sizeof got, MSG_WAITALL) != sizeof got)
		return fail("receive");
	if (write(p, got, sizeof got) != sizeof got)
		return fail("echo");
	if (recv(s, back, sizeof back, MSG_WAITALL) != sizeof back)
		return fail("receive the echo");
	if (memcmp(sent, back, sizeof sent) != 0) {
		say(2, "puipui-vsock: the echo differs from what was sent\n", NULL);
		return 1;
	}
	say(1, "a listener on CID ", num(a.svm_cid), " port ", num(a.svm_port), " accepted a connection and echoed ",
	    num(sizeof sent), " bytes\n", NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "cid") == 0)
		return cid();
	if (argc == 3 && strcmp(argv[1], "bound") == 0)
		return bound(parse(argv[2]));
	if (argc == 3 && strcmp(argv[1], "echo") == 0)
		return echo(parse(argv[2]));
	say(2, "usage: puipui-vsock cid | bound PORT | echo CID\n", NULL);
	return 2;
}
