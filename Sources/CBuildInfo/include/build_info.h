#ifndef TRACETUI_BUILD_INFO_H
#define TRACETUI_BUILD_INFO_H

/* The git commit the package was built from (Package.swift reads it from git when the manifest loads). */
const char *tracetui_git_commit(void);

#endif
