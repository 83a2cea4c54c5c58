#include <errno.h>
#include <stdlib.h>

#include "msg.h"
#include "num.h"

/* Decimal integer in [min, max]; 0 on success, -1 if malformed or out of range. */
int
parsenum(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

long long
numarg(const char *s, const char *what, long long min, long long max)
{
	long long v;

	if (parsenum(s, min, max, &v) != 0)
		die(1, "%s: \"%s\" is not a number from %lld to %lld",
		    what, s, min, max);
	return v;
}
