#ifndef CALLSCOPE_CCOMPRESSION_SHIM_H
#define CALLSCOPE_CCOMPRESSION_SHIM_H
#include <stdio.h>
#include <sys/types.h>
#include <zlib.h>
#include <lzma.h>
#include <zstd.h>

#if defined(__linux__)
/* glibc's fopencookie(3) and cookie_io_functions_t are declared only under _GNU_SOURCE, which
 * Swift's Glibc module is built without; this is the same layout under a prefixed name, bound to
 * the glibc symbol by an asm label so it cannot clash with a declaration that is visible. */
typedef struct {
    ssize_t (*read)(void *cookie, char *buffer, size_t size);
    ssize_t (*write)(void *cookie, const char *buffer, size_t size);
    int (*seek)(void *cookie, off_t *offset, int whence);
    int (*close)(void *cookie);
} callscope_cookie_io_functions;

FILE *callscope_fopencookie(void *cookie, const char *mode, callscope_cookie_io_functions functions) __asm__("fopencookie");
#endif

#endif
