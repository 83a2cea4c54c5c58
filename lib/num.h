/*
 * Range-checked numbers from the command line, in the spirit of OpenBSD
 * dump's numarg(): the message names the option and the allowed range.
 */
#ifndef NUM_H
#define NUM_H

long long	numarg(const char *s, const char *what, long long min,
		    long long max);
int		parsenum(const char *s, long long min, long long max,
		    long long *out);

#endif
