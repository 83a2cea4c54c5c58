/*
 * The relay (-Z): into a pipe, the long runs of data in the dump stream
 * go from the input pipe to the output as the kernel's pages, moved with
 * splice(2), instead of being copied into the ring and out again.
 *
 * The ring does the rest, and the first block.  When a header announces
 * at least SPCL_MOVEMIN data records (a file's blocks, a large map), the
 * input reads no further than the end of a block (input_stopafter); at
 * the next block's start, once every block before is written (the ring
 * drained, so that the order holds), the master takes over from the
 * ring: it moves the rest of the run on unread, reads the next record by
 * itself, checks and numbers it as the ring would, and goes on so while
 * runs follow runs (a large file is a header every 512 records), sending
 * what it reads through a pipe of its own.  At the first block boundary
 * with no run to move it hands back to the ring.  The output is byte for
 * byte what the ring alone would have written.
 *
 * Safe only when the writer of the input never lends (vmsplice) the
 * pages of such runs, as dblkread never does (dblkread(1), -S): they
 * would be passed on while it writes into them again.  Pages of the
 * device's page cache, which dblkread splices for large runs of file
 * data, and pages the pipe copied into, are safe to pass on.
 *
 * Every move waits as the master waits (loop.c), non-blocking
 * (SPLICE_F_NONBLOCK, the own pipe O_NONBLOCK), so that a stop signal is
 * seen however stalled the reader.  Linux only; elsewhere
 * relay_possible() says no and the ring does all the work, as it does
 * when the input or the output is not a pipe.
 */
#ifdef __linux__
#define _GNU_SOURCE	/* splice(2) */
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtapewr.h"
#include "msg.h"
#include "spcl.h"

#if defined(__linux__) && defined(SPLICE_F_NONBLOCK)
#define HAVE_SPLICE	1
#endif

/* Can runs move on: -Z, pipes in and out, splice(2)? */
int
relay_possible(const struct tw *t)
{
#ifdef HAVE_SPLICE
	struct stat sb;

	if (!t->relay || !t->out.pipeout || t->out.remote ||
	    t->out.pipecmd != NULL || t->in.handoff == HO_YES)
		return 0;
	return fstat(t->out.fd, &sb) == 0 && S_ISFIFO(sb.st_mode) &&
	    fstat(t->in.fd, &sb) == 0 && S_ISFIFO(sb.st_mode);
#else
	(void)t;
	return 0;
#endif
}

/*
 * A header was placed in the block being filled, numbered t->pos: if
 * its run may move on, read no further than the end of the block in
 * which what is read already ends, provided a whole block of the run
 * is left after it.
 */
void
relay_header(struct tw *t)
{
	const struct spcl_checker *c = &t->in.chk;
	int64_t next = t->pos + 1, readto, boundary;

	t->movable = c->due >= SPCL_MOVEMIN;
	if (!t->movable)
		return;
	readto = next + (int64_t)((input_unread(&t->in) + TP_BSIZE - 1) /
	    TP_BSIZE);
	boundary = (readto + t->ntrec - 1) / t->ntrec * t->ntrec;
	if (next + c->due >= boundary + t->ntrec)
		input_stopafter(&t->in, boundary - next);
}

#ifdef HAVE_SPLICE
/* The pipe for what the master sends itself, and what it gathers. */
static int own[2] = { -1, -1 };
static unsigned char *gather;
static size_t ngather;

/*
 * Move len bytes from pipe from (the input, or the own pipe) to the
 * output.  Returns 0, -1 if the input ended first, or an exit status (a
 * write error, named; a stop).  What a move that fails did take to the
 * output counts as written, in whole records, as the ring counts.
 */
static int
moveout(struct tw *t, int from, size_t len)
{
	int out = t->out.fd, rc = 0;
	int64_t done = 0;
	ssize_t n;

	while (len > 0 && rc == 0) {
		n = splice(from, NULL, out, NULL, len,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			len -= (size_t)n;
			done += n;
			if (from == t->in.fd)
				t->in.consumed += n;
		} else if (n == 0)
			rc = -1;
		else if (errno == EINTR)
			rc = loop_stopped(t) ? TW_ABORT : 0;
		else if (errno != EAGAIN) {
			if (t->stopsig)
				rc = TW_ABORT;
			else {
				/* the block the failed byte was to go into */
				warnmsg("%s: write error at block %lld: %s",
				    t->out.name, (long long)((t->written *
				    TP_BSIZE + done) / (int64_t)t->bs),
				    strerror(errno));
				rc = TW_WRITE;
			}
		/* The input is empty, or the output full: wait for it (the
		 * own pipe holds all that is asked of it). */
		} else if ((from == t->in.fd &&
		    loop_waitfor(t, from, POLLIN) != 0) ||
		    loop_waitfor(t, out, POLLOUT) != 0)
			rc = t->stopsig ? TW_ABORT : TW_WRITE;
	}
	if (rc != 0)
		t->written += done / TP_BSIZE;
	return rc;
}

/* Send what was gathered, through the own pipe.  0, or a status. */
static int
sendgathered(struct tw *t)
{
	size_t done = 0;
	ssize_t n;
	int rc;

	while (done < ngather) {
		n = write(own[1], gather + done, ngather - done);
		if (n <= 0) {
			warnmsg("the relay's own pipe: write: %s",
			    n < 0 ? strerror(errno) : "nothing written");
			return TW_WRITE;
		}
		if ((rc = moveout(t, own[0], (size_t)n)) != 0)
			return rc < 0 ? TW_WRITE : rc;
		done += (size_t)n;
	}
	t->written += (int64_t)(ngather / TP_BSIZE);
	t->vol.recs += (int64_t)(ngather / TP_BSIZE);
	t->vol.bytes += (int64_t)ngather;
	ngather = 0;
	return 0;
}

/*
 * The next record of the input, read by itself (the input module reads
 * no further), checked and gathered, a header numbered.  1, 0 at the
 * proper end of the stream, or a status (negated; bad input said).
 */
static int
takerecord(struct tw *t)
{
	struct input *in = &t->in;
	unsigned char *r = gather + ngather;
	struct recmeta m;
	int rc;

	input_stopafter(in, 1);
	if ((rc = input_next(in, r, &m)) == -1) {
		warnmsg("stdin: %s", in->err);
		return -TW_BADINPUT;
	}
	if (rc == -2)
		return t->stopsig ? -TW_ABORT : -TW_WRITE;
	if (rc == 0)
		return 0;
	if (m.head) {
		tw_place(t, r, t->pos);
		t->movable = in->chk.due >= SPCL_MOVEMIN;
	}
	t->pos++;
	ngather += TP_BSIZE;
	return 1;
}

/*
 * The master's turn, the ring drained: runs moved, records between them
 * read one by one, until a block boundary with no run to move, or the
 * end of the stream (then padded to a whole block).  0, or a status.
 */
static int
masterturn(struct tw *t)
{
	struct spcl_checker *c = &t->in.chk;
	int64_t due;
	int rc, moved = 0;

	for (;;) {
		if (t->movable && (due = c->due) > 0) {
			if ((rc = sendgathered(t)) != 0)
				return rc;
			if ((rc = moveout(t, t->in.fd, (size_t)due *
			    TP_BSIZE)) < 0) {
				snprintf(t->in.err, sizeof(t->in.err), "input "
				    "ends inside the %lld data records after "
				    "record %lld: the stream is cut short",
				    (long long)due, (long long)c->records);
				warnmsg("stdin: %s", t->in.err);
				return TW_BADINPUT;
			}
			if (rc != 0)
				return rc;
			spcl_skipdata(c, due);
			t->pos += due;
			t->written += due;
			t->vol.recs += due;
			t->vol.bytes += due * TP_BSIZE;
			moved = 1;
		}
		/* Back to the ring at a block boundary, but not before the
		 * header after a run is seen: another run may follow. */
		if (t->pos % t->ntrec == 0 && !moved)
			return sendgathered(t);
		moved = 0;
		if ((rc = takerecord(t)) < 0)
			return -rc;
		if (rc == 0)
			break;
	}
	/* The end: TS_END records to the end of the block. */
	while (t->pos % t->ntrec != 0) {
		struct recmeta m;

		input_pad(&t->in, gather + ngather, &m);
		tw_place(t, gather + ngather, t->pos++);
		ngather += TP_BSIZE;
	}
	t->inputdone = 1;
	return sendgathered(t);
}

/* The own pipe and the gathering buffer: 0, or -1 (then no relay). */
static int
relay_init(struct tw *t)
{
	int k, n;

	if (own[0] >= 0)
		return 0;
	if ((gather = malloc(t->bs + TP_BSIZE)) == NULL)
		return -1;
	if (pipe(own) != 0) {
		own[0] = own[1] = -1;
		return -1;
	}
	for (k = 0; k < 2; k++) {
		fcntl(own[k], F_SETFD, FD_CLOEXEC);
		fcntl(own[k], F_SETFL, fcntl(own[k], F_GETFL) | O_NONBLOCK);
	}
	(void)fcntl(own[1], F_SETPIPE_SZ, (int)(t->bs + TP_BSIZE));
	n = fcntl(own[1], F_GETPIPE_SZ);
	if (n > 0 && (size_t)n >= t->bs + TP_BSIZE)
		return 0;
	close(own[0]);
	close(own[1]);
	own[0] = own[1] = -1;
	return -1;
}
#endif

/*
 * At the start of a block: the master's turn, if a run that may move is
 * under way, none of it read yet, and a block has gone before.  Returns
 * 0, or an exit status (said why).
 */
int
relay_run(struct tw *t)
{
#ifdef HAVE_SPLICE
	int64_t from;
	int rc;

	if (!t->relaying || !t->movable || t->in.chk.due < t->ntrec ||
	    t->seq == 0 || t->failed || input_unread(&t->in) != 0 ||
	    t->carryat < t->ncarry)
		return 0;
	if (relay_init(t) != 0) {
		t->relaying = 0;
		return 0;
	}
	/* every block before it written, in order */
	if (loop_drain(t) != 0)
		return t->stopsig ? TW_ABORT : TW_WRITE;
	if (t->failed)
		return 0;
	/* What the master reads goes into the input's own buffer, not
	 * into the ring's slots it was last offered. */
	input_keep(&t->in);
	/* It begins and ends on block boundaries: whole blocks of the
	 * output that the ring's count of blocks leaves out. */
	from = t->pos;
	if ((rc = masterturn(t)) == 0)
		t->relayblocks += (t->pos - from) / t->ntrec;
	return rc;
#else
	(void)t;
	return 0;
#endif
}
