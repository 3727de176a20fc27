/* Everything is inline in include/byte_scan.h; SwiftPM needs one source file for a C target. */
#include "byte_scan.h"
