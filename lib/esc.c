#include <stddef.h>

#include "esc.h"

/*
 * Length of the valid, printable UTF-8 character at s (at most n bytes),
 * or 0: C1 controls, overlong forms, surrogates and code points past
 * U+10FFFF are not characters we leave bare.
 */
static size_t
utf8len(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	return len;
}

/* Writes the escaped form of src and a NUL; returns its length. */
size_t
esc_encode(char *dst, const unsigned char *src, size_t n)
{
	char *d = dst;
	size_t i = 0, k;

	if (n == 0) {
		*d++ = '-';
	} else if (n == 1 && src[0] == '-') {
		*d++ = '\\'; *d++ = '0'; *d++ = '5'; *d++ = '5';
		i = 1;
	}
	while (i < n) {
		if (src[i] > 0x20 && src[i] < 0x7f && src[i] != '\\') {
			*d++ = (char)src[i++];
		} else if (src[i] >= 0x80 && (k = utf8len(src + i, n - i)) > 0) {
			while (k-- > 0)
				*d++ = (char)src[i++];
		} else {
			*d++ = '\\';
			*d++ = (char)('0' + (src[i] >> 6));
			*d++ = (char)('0' + ((src[i] >> 3) & 7));
			*d++ = (char)('0' + (src[i] & 7));
			i++;
		}
	}
	*d = '\0';
	return (size_t)(d - dst);
}

/*
 * Undo esc_encode into dst (at most cap bytes; no NUL is added).
 * Returns 0, or -1 for a malformed escape or an overflow.
 */
int
esc_decode(unsigned char *dst, size_t cap, const char *src, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = 0;
	unsigned v;

	if (s[0] == '-' && s[1] == '\0') {
		*outlen = 0;
		return 0;
	}
	if (s[0] == '\0')
		return -1;
	while (*s != '\0') {
		if (n >= cap)
			return -1;
		if (*s <= 0x20 || *s == 0x7f)
			return -1;
		if (*s != '\\') {
			dst[n++] = *s++;
			continue;
		}
		if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' ||
		    s[3] < '0' || s[3] > '7')
			return -1;
		v = (unsigned)(s[1] - '0') << 6 | (unsigned)(s[2] - '0') << 3 |
		    (unsigned)(s[3] - '0');
		dst[n++] = (unsigned char)v;
		s += 4;
	}
	*outlen = n;
	return 0;
}
