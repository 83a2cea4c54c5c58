/*
 * Bitmaps indexed by inode number: one bit per inode, so that memory
 * grows by bits, not bytes, with the size of the file system.
 */
#ifndef BITMAP_H
#define BITMAP_H

#include <stdint.h>
#include <stdlib.h>

static inline unsigned char *
bm_new(uint64_t nbits)
{
	return calloc((size_t)(nbits / 8 + 1), 1);
}

static inline void
bm_set(unsigned char *m, uint64_t i)
{
	m[i / 8] |= (unsigned char)(1u << (i % 8));
}

static inline void
bm_clr(unsigned char *m, uint64_t i)
{
	m[i / 8] &= (unsigned char)~(1u << (i % 8));
}

static inline int
bm_isset(const unsigned char *m, uint64_t i)
{
	return (m[i / 8] >> (i % 8)) & 1;
}

/* The first set bit at or after i and below n, or n if there is none. */
static inline uint64_t
bm_next(const unsigned char *m, uint64_t i, uint64_t n)
{
	while (i < n) {
		if (i % 8 == 0 && m[i / 8] == 0) {
			i += 8;
			continue;
		}
		if (bm_isset(m, i))
			return i;
		i++;
	}
	return n;
}

#endif
