/*
 * The dump stream on stdin, one record at a time, each checked on the
 * way by the tape format's checking reader (spcl_check() in lib/spcl.c)
 * and handed out with what a later volume's TS_TAPE would need to say
 * if the volume began at it.
 *
 * Records are read straight into the ring's slots where they will be
 * written from, when the caller offers the free ring memory ahead of
 * the record it asks for (room): the bytes then cross dtapewr once, in
 * the read.  What is read but not yet taken is the window, in that ring
 * memory (input_offer) or in the input's own buffer.  The caller writes
 * into ring memory only through input_next, or after input_keep has
 * moved an unread window into the input's own buffer.
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
input_init(struct input *in, int fd, int hofd)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->hofd = hofd;
	in->buf = malloc(INBUF);
	in->win = in->buf;
	in->cap = INBUF;
	return in->buf == NULL ? -1 : 0;
}

/* Bytes read and not yet taken. */
size_t
input_unread(const struct input *in)
{
	return in->len - in->off;
}

/*
 * Move what is unread into the input's own buffer, at its start: the
 * ring memory it was read into is about to be written otherwise (or,
 * in the own buffer, the room for the next read is made).
 */
void
input_keep(struct input *in)
{
	size_t left = in->len - in->off;

	memmove(in->buf, in->win + in->off, left);
	in->win = in->buf;
	in->cap = INBUF;
	in->len = left;
	in->off = 0;
}

/*
 * One read of up to want bytes onto the end of the window, from stdin or
 * from the hand-off's buffers, once the master's poll says so, so that
 * a signal that comes meanwhile is never missed; but not while a
 * hand-off's buffer is at hand, for its writer may be waiting for it.
 * Returns 0 (bytes, the end, or none yet: call again), -1 with in->err
 * set, or -2 if the wait gave up.
 */
static int
readin(struct input *in, size_t want)
{
	int handoff = in->handoff == HO_YES;
	ssize_t n;

	if (in->wait != NULL && !(handoff && ho_ready(&in->ho)) &&
	    in->wait(in->waitarg, in->fd) != 0)
		return -2;
	errno = 0;
	n = handoff ? ho_read(&in->ho, in->win + in->len, want) :
	    read(in->fd, in->win + in->len, want);
	if ((n < 0 && errno == EINTR) || n == HO_AGAIN)
		return 0;
	if (n < 0 && in->ho.err[0] != '\0') {
		snprintf(in->err, sizeof(in->err), "%s", in->ho.err);
		return -1;
	}
	if (n < 0) {
		snprintf(in->err, sizeof(in->err), "read: %s",
		    strerror(errno));
		return -1;
	}
	if (n == 0)
		in->eof = 1;
	in->len += (size_t)n;
	in->consumed += n;
	return 0;
}

/*
 * Whether the input is a hand-off (handoff.h): it begins with a notice,
 * which no dump stream does (its first four bytes are a record type).
 * Its first HO_NOTICE bytes, or fewer at its end, are read into the
 * window, which is empty, by readin as every read here; those of a
 * notice are taken out again.  Returns 1, -1 with in->err set, or -2 if
 * the wait gave up.
 */
static int
peek(struct input *in)
{
	int r;

	while (in->len < HO_NOTICE && !in->eof)
		if ((r = readin(in, HO_NOTICE - in->len)) != 0)
			return r;
	in->handoff = HO_NO;
	if (in->len < HO_NOTICE || !ho_isnotice(in->win))
		return 1;
	if (in->hofd < 0) {
		snprintf(in->err, sizeof(in->err), "the input is a hand-off "
		    "(dblkread -H), and no -H names its file");
		return -1;
	}
	if (ho_attach(&in->ho, in->hofd, in->fd, in->win) != 0) {
		snprintf(in->err, sizeof(in->err), "%s", in->ho.err);
		return -1;
	}
	in->handoff = HO_YES;
	in->len = 0;
	return 1;
}

/*
 * Make sure a whole record is unread: 1, 0 at the end of the input,
 * -1 on an error (in->err says it), -2 if the wait for input gave up.
 */
static int
fill(struct input *in)
{
	size_t want;
	int r;

	if (in->handoff == HO_UNKNOWN && (r = peek(in)) != 1)
		return r;
	while (in->len - in->off < TP_BSIZE && !in->eof) {
		/* A record cut by the end of a window in the ring is
		 * finished in the own buffer, which takes only the rest
		 * of it: the next window can then begin at once. */
		if (in->win != in->buf && in->off + TP_BSIZE > in->cap)
			in->mending = 1;
		if (in->win == in->buf || in->mending)
			input_keep(in);
		want = in->mending ? TP_BSIZE - in->len : in->cap - in->len;
		/* Not past where the caller will move the input on itself
		 * (input_stopafter), unless a record is wanted from there. */
		if (in->stopat > in->consumed &&
		    (int64_t)want > in->stopat - in->consumed)
			want = (size_t)(in->stopat - in->consumed);
		else if (in->stopat > 0 && in->stopat <= in->consumed)
			in->stopat = 0;
		if ((r = readin(in, want)) != 0)
			return r;
	}
	in->mending = 0;
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
 * Read no more than records records past those taken, while the caller
 * may still move the records after them on itself (relay.c).  Only a
 * bound on reading ahead: a record asked for beyond it is read.
 */
void
input_stopafter(struct input *in, int64_t records)
{
	in->stopat = (in->chk.records + records) * TP_BSIZE;
}

/*
 * Nothing is unread: the next read may go into the ring, room bytes (a
 * whole number of records) from at, where the next record is wanted.
 */
void
input_offer(struct input *in, unsigned char *at, size_t room)
{
	if (in->off != in->len || in->eof || room < TP_BSIZE)
		return;
	in->win = at;
	in->cap = room < INBUF ? room : INBUF;
	in->len = in->off = 0;
}

/*
 * The next record of the stream into dst (where it already is, if it
 * was read there).  Returns 1, 0 at the proper end of the dump, -1 with
 * in->err set, or -2 if the wait for input gave up.
 */
int
input_next(struct input *in, unsigned char *dst, struct recmeta *m)
{
	int r;

	if ((r = fill(in)) <= 0)
		return r;
	if (in->win + in->off != dst)
		memcpy(dst, in->win + in->off, TP_BSIZE);
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
