/*
 * The dump stream on stdin, one record at a time, each checked on the
 * way by the tape format's checking reader (spcl_check() in lib/spcl.c)
 * and handed out with what a later volume's TS_TAPE would need to say
 * if the volume began at it.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtapewr.h"
#include "spcl.h"

#define INBUF		(1 << 20)

int
input_init(struct input *in, int fd)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->buf = malloc(INBUF);
	return in->buf == NULL ? -1 : 0;
}

/*
 * Make sure a whole record is buffered: 1, 0 at the end of the input,
 * -1 on an error (in->err says it), -2 if the wait for input gave up.
 */
static int
fill(struct input *in)
{
	ssize_t n;

	while (in->len - in->off < TP_BSIZE && !in->eof) {
		memmove(in->buf, in->buf + in->off, in->len - in->off);
		in->len -= in->off;
		in->off = 0;
		/* Read only once the master's poll says so, so that a
		 * signal that comes meanwhile is never missed. */
		if (in->wait != NULL && in->wait(in->waitarg, in->fd) != 0)
			return -2;
		n = read(in->fd, in->buf + in->len, INBUF - in->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(in->err, sizeof(in->err), "read: %s",
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			in->eof = 1;
		in->len += (size_t)n;
	}
	if (in->len - in->off >= TP_BSIZE)
		return 1;
	if (in->len > in->off) {
		snprintf(in->err, sizeof(in->err), "input ends inside record "
		    "%lld (a partial record of %zu bytes)",
		    (long long)in->chk.records, in->len - in->off);
		return -1;
	}
	if (!spcl_complete(&in->chk)) {
		snprintf(in->err, sizeof(in->err), "input ends after %lld "
		    "records, before the dump's TS_END: the stream is cut "
		    "short", (long long)in->chk.records);
		return -1;
	}
	return 0;
}

/*
 * The next record of the stream into dst.  Returns 1, 0 at the proper
 * end of the dump, -1 with in->err set, or -2 if the wait for input
 * gave up.
 */
int
input_next(struct input *in, unsigned char *dst, struct recmeta *m)
{
	int r = fill(in);

	if (r <= 0)
		return r;
	memcpy(dst, in->buf + in->off, TP_BSIZE);
	if (spcl_check(&in->chk, dst, m) != 0) {
		snprintf(in->err, sizeof(in->err), "%s", in->chk.err);
		return -1;
	}
	in->off += TP_BSIZE;
	return 1;
}

/* A TS_END record to pad the last block with (numbered when placed). */
void
input_pad(const struct input *in, unsigned char *dst, struct recmeta *m)
{
	memcpy(dst, in->chk.end, TP_BSIZE);
	m->due = 0;
	m->ino = in->chk.ino;
	m->kind = (int16_t)in->chk.kind;
	m->head = 1;
	m->pad = 1;
}
