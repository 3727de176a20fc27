#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

/* SwiftPM drops pkg-config's -D flags, so ask for the wide-character API here, before ncurses' header.
   Do not define _XOPEN_SOURCE: it would fight the already-built Glibc clang module. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <locale.h>
#include <wchar.h>
#include <string.h>
#include <langinfo.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <ncurses.h>
#endif

/* Attribute, mouse and key macros expand to expressions Swift cannot import; typed constants can. */
static const attr_t TUI_A_NORMAL    = A_NORMAL;
static const attr_t TUI_A_BOLD      = A_BOLD;
static const attr_t TUI_A_DIM       = A_DIM;
static const attr_t TUI_A_REVERSE   = A_REVERSE;
static const attr_t TUI_A_UNDERLINE = A_UNDERLINE;
static const attr_t TUI_A_STANDOUT  = A_STANDOUT;
static const attr_t TUI_A_ITALIC    = A_ITALIC;
static const attr_t TUI_A_COLOR     = A_COLOR;

static const mmask_t TUI_ALL_MOUSE_EVENTS      = ALL_MOUSE_EVENTS;
static const mmask_t TUI_BUTTON4_PRESSED       = BUTTON4_PRESSED;
static const mmask_t TUI_BUTTON5_PRESSED       = BUTTON5_PRESSED;
static const mmask_t TUI_REPORT_MOUSE_POSITION = REPORT_MOUSE_POSITION;

static inline int    tui_key_f(int n)        { return KEY_F(n); }
static inline attr_t tui_color_pair(short n) { return (attr_t)COLOR_PAIR(n); }

/* Swift 6 rejects reads of mutable C globals as shared mutable state; these accessors are the way in. */
static inline WINDOW *tui_stdscr(void)    { return stdscr; }
static inline WINDOW *tui_curscr(void)    { return curscr; }
static inline int tui_lines(void)         { return LINES; }
static inline int tui_cols(void)          { return COLS; }
static inline int tui_colors(void)        { return COLORS; }
static inline int tui_color_pairs(void)   { return COLOR_PAIRS; }
static inline int tui_escdelay(void)      { return ESCDELAY; }
static inline int tui_set_escdelay(int ms) { return set_escdelay(ms); }

/* glibc declares wcwidth only under _XOPEN_SOURCE, which the Glibc module is built without. */
extern int wcwidth(wchar_t c);
static inline int tui_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

/* tiparm is variadic, which Swift cannot call. NULL for a capability the terminal lacks. */
static inline const char *tui_tiparm1(const char *cap, int a) {
    return (cap && cap != (const char *)-1) ? tiparm(cap, a) : NULL;
}
static inline const char *tui_tiparm2(const char *cap, int a, int b) {
    return (cap && cap != (const char *)-1) ? tiparm(cap, a, b) : NULL;
}
static inline int tui_codeset_is_utf8(void) {
    const char *c = nl_langinfo(CODESET);
    return c && (strcmp(c, "UTF-8") == 0 || strcmp(c, "utf8") == 0);
}

#endif
