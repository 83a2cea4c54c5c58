#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"

const char *progname = "?";

void
progname_set(const char *argv0)
{
	const char *p;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	p = strrchr(argv0, '/');
	progname = p != NULL ? p + 1 : argv0;
}

/*
 * The whole line goes out in one write(2), so that the messages of the
 * stages of a pipeline, sharing one stderr, never mix within a line.
 */
static void
vline(const char *prefix, const char *fmt, va_list ap)
{
	char line[2048];
	int saved = errno;
	size_t n = strlen(fmt), len;
	int k;

	k = snprintf(line, sizeof(line), "%s", prefix);
	len = k > 0 ? (size_t)k : 0;
	k = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
	len += k > 0 ? (size_t)k : 0;
	if (len < sizeof(line) && n > 0 && fmt[n - 1] == ':') {
		k = snprintf(line + len, sizeof(line) - len, " %s",
		    strerror(saved));
		len += k > 0 ? (size_t)k : 0;
	}
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;	/* cut, but still one line */
	line[len++] = '\n';
	fflush(stderr);
	if (write(STDERR_FILENO, line, len) < 0) {
		/* stderr is gone: nowhere left to say so */
	}
	errno = saved;
}

static void
vmsg(const char *fmt, va_list ap)
{
	char prefix[256];

	snprintf(prefix, sizeof(prefix), "%s: ", progname);
	vline(prefix, fmt, ap);
}

static int notesoff;

/* One write: the lines of the stages of a pipeline never mix. */
void
dumpnote(const char *fmt, ...)
{
	va_list ap;

	if (notesoff)
		return;
	va_start(ap, fmt);
	vline("  DUMP: ", fmt, ap);
	va_end(ap);
}

void
dumpnote_off(void)
{
	notesoff = 1;
}

void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}
