// Everything is in include/malloc_tuning.h; SwiftPM needs one source file for a C target.
#include "malloc_tuning.h"
