/*
 * Bounded string copy: at most size - 1 bytes and always a NUL, for the
 * fixed-size name fields of the dump header, where cutting is intended.
 */
#ifndef STR_H
#define STR_H

#include <string.h>

static inline void
strcopy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#endif
