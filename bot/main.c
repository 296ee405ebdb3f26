#include <stdio.h>

int
main(void)
{
    puts("chorus: under construction");
    return 0;
}
