/* The remote-cache test's own component: a step that compiles in a second, so that the failures of the server can
   be tried on it many times. */
#include <stdio.h>

int main(void)
{
	puts("hello from the remote cache test");
	return 0;
}
