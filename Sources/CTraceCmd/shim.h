#ifndef TRACETUI_CTRACECMD_SHIM_H
#define TRACETUI_CTRACECMD_SHIM_H
/* libtracecmd's compile and link flags (pkg-config libtracecmd) for CTraceDat, which holds the code: no Swift
   imports this module. No _GNU_SOURCE here: <regex.h> and <sys/select.h>, reached through these headers, would
   then define their structs differently from the Glibc module Swift builds, and clang refuses the mismatch. */
#include <trace-cmd.h>
#include <event-parse.h>
#endif
