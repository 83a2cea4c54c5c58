/*
 * Fixed-width integers in a chosen byte order.  On-disk UFS structures and
 * dump headers are read and written field by field through these, never by
 * overlaying a C struct, so the programs do not depend on the host's byte
 * order, padding or alignment.  "be" is nonzero for big-endian data.
 */
#ifndef BYTES_H
#define BYTES_H

#include <stdint.h>

static inline uint16_t
get16(const unsigned char *p, int be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
get32(const unsigned char *p, int be)
{
	if (be)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t
get64(const unsigned char *p, int be)
{
	uint64_t hi, lo;

	if (be) {
		hi = get32(p, 1);
		lo = get32(p + 4, 1);
	} else {
		lo = get32(p, 0);
		hi = get32(p + 4, 0);
	}
	return hi << 32 | lo;
}

static inline void
put16(unsigned char *p, uint16_t v, int be)
{
	if (be) {
		p[0] = v >> 8;
		p[1] = v & 0xff;
	} else {
		p[0] = v & 0xff;
		p[1] = v >> 8;
	}
}

static inline void
put32(unsigned char *p, uint32_t v, int be)
{
	if (be) {
		p[0] = (unsigned char)(v >> 24);
		p[1] = (unsigned char)(v >> 16);
		p[2] = (unsigned char)(v >> 8);
		p[3] = (unsigned char)v;
	} else {
		p[0] = (unsigned char)v;
		p[1] = (unsigned char)(v >> 8);
		p[2] = (unsigned char)(v >> 16);
		p[3] = (unsigned char)(v >> 24);
	}
}

static inline void
put64(unsigned char *p, uint64_t v, int be)
{
	if (be) {
		put32(p, (uint32_t)(v >> 32), 1);
		put32(p + 4, (uint32_t)v, 1);
	} else {
		put32(p, (uint32_t)v, 0);
		put32(p + 4, (uint32_t)(v >> 32), 0);
	}
}

#endif
