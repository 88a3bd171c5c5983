#include <stdio.h>

int parts(void);

int main(void)
{
    printf("hello from the launcher guest, %d parts\n", parts());
    return 0;
}
