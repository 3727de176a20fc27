#include "build_info.h"

#ifndef TRACETUI_GIT_COMMIT
#define TRACETUI_GIT_COMMIT "unknown"
#endif

const char *tracetui_git_commit(void) { return TRACETUI_GIT_COMMIT; }
