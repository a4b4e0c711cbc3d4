/* placeholder, replaced below */
#include "cli.h"
int diff_main(int argc, char **argv) { return 2; }
