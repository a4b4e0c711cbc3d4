/* placeholder, replaced below */
#include "cli.h"
int gen_main(int argc, char **argv) { return 2; }
