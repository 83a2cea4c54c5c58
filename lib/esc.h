/*
 * The escaping of byte strings in dscan's text stream (see dscan(5)):
 * printable ASCII other than '\' and valid UTF-8 characters stand for
 * themselves; every other byte is "\ooo" (three octal digits); the empty
 * string is "-", and a string that is just "-" is "\055".  The result
 * never holds a space, tab, newline or control character.
 */
#ifndef ESC_H
#define ESC_H

#include <stddef.h>

/* Bytes esc_encode needs for n bytes of input, NUL included. */
#define ESC_MAX(n)	(4 * (n) + 2)

size_t	esc_encode(char *dst, const unsigned char *src, size_t n);
int	esc_decode(unsigned char *dst, size_t cap, const char *src,
	    size_t *outlen);

#endif
