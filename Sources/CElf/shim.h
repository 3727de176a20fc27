#ifndef CELF_SHIM_H
#define CELF_SHIM_H
/* elfutils' libelf (the library perf itself reads symbol tables with), and the C++ demangler. */
#include <libelf.h>
#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

/* libstdc++'s demangler (C ABI); returns malloc'd text or NULL. */
char *__cxa_demangle(const char *mangled, char *buffer, size_t *length, int *status);

static inline unsigned char tt_elf_st_type(unsigned char info) { return GELF_ST_TYPE(info); }
#endif
