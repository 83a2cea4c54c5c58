/*
 * The ring of writers.  Pipes carry everything but the data: a command
 * pipe per writer (which blocks, in which slots), a token pipe between
 * each writer and the next (whose turn it is: "G" go on, "S" stop), and
 * one status pipe back to the master.  The data stays in shared memory.
 * No signals are used to pass the turn.
 *
 * A writer is handed a batch of consecutive blocks at a time, so that
 * the turn goes round once for many blocks, not for each.  On a tape
 * each block is still one write, one record on the tape; on a file or a
 * pipe, where records leave no trace, the batch is one write.  Every
 * block is reported on its own, so the master knows which made it.
 */
#include "feature.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ask.h"
#include "dtapewr.h"
#include "msg.h"
#include "xio.h"

/*
 * How a writer ends: WX_LOSTTURN says the writer before it ended first
 * (its turn pipe closed), so the master looks further back for the
 * writer that broke the ring.
 */
#define WX_OK		0
#define WX_BROKEN	1	/* a bad command, or the status pipe failed */
#define WX_LOSTTURN	2	/* the writer before it is gone */

struct wcmd {
	int64_t	seq;		/* of the first block */
	int32_t	slot;		/* of the first block */
	int32_t	count;		/* blocks, in consecutive slots */
};

/*
 * Shared memory that survives fork: anonymous, so that it needs no name,
 * no file system (/var/shm on NetBSD) and no library (-lrt on older
 * glibc), and goes away with the last process that maps it.
 */
#if !defined(MAP_ANON) && defined(MAP_ANONYMOUS)
#define MAP_ANON	MAP_ANONYMOUS
#endif

static unsigned char *
sharedmem(size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANON, -1,
	    0);
	return p == MAP_FAILED ? NULL : p;
}

/* Give back what a ring_init that failed took; the ring is not used. */
static void
release(struct ring *r)
{
	if (r->mem != NULL)
		munmap(r->mem, (size_t)r->nslots * r->bsize);
	free(r->busy);
	free(r->pid);
	free(r->wst);
	free(r->cmd);
	memset(r, 0, sizeof(*r));
}

int
ring_init(struct ring *r, int nwriters, size_t bsize)
{
	memset(r, 0, sizeof(*r));
	r->nwriters = nwriters;
	r->bsize = bsize;
	r->batch = (int)(BATCHBYTES / bsize);
	if ((size_t)r->batch > RINGBYTES / bsize / (size_t)(2 * nwriters))
		r->batch = (int)(RINGBYTES / bsize / (size_t)(2 * nwriters));
	if (r->batch > MAXBATCH)
		r->batch = MAXBATCH;
	if (r->batch < 1)
		r->batch = 1;
	/* Two batches a writer: one being written, one being filled. */
	r->nslots = 2 * nwriters * r->batch;
	if (r->nslots < 4)
		r->nslots = 4;
	r->mem = sharedmem((size_t)r->nslots * bsize);
	r->busy = calloc((size_t)r->nslots, sizeof(*r->busy));
	r->pid = calloc((size_t)nwriters, sizeof(*r->pid));
	r->wst = calloc((size_t)nwriters, sizeof(*r->wst));
	r->cmd = calloc((size_t)nwriters, sizeof(*r->cmd));
	if (r->mem == NULL)
		warnmsg("shared memory for %d blocks of %zu bytes:",
		    r->nslots, bsize);
	else if (!r->busy || !r->pid || !r->wst || !r->cmd)
		warnmsg("out of memory");
	else
		return 0;
	release(r);
	return -1;
}

/*
 * Write len bytes at p with as few writes as it takes; without loop,
 * a short write ends it (the end of the media).  Returns the bytes
 * written, with *err the errno of a failed write (0 for a short one;
 * for a remote file, the remote errno, or RMT_LOST).
 */
static size_t
writeout(const struct ring *r, const unsigned char *p, size_t len, int *err)
{
	size_t done = 0;
	ssize_t n;

	*err = 0;
	while (done < len) {
		if (r->rmt != NULL) {
			n = rmt_write(r->rmt, p + done, len - done);
			if (n < 0) {
				*err = r->rmt->err;
				break;
			}
		} else
			n = write(r->outfd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = errno;
			break;
		}
		done += (size_t)n;
		if (n == 0 || (!r->loop && done < len))
			break;
	}
	return done;
}

/*
 * Write a batch of count blocks from slot; a report for each block in
 * ws.  Returns 1 if all were written whole.
 */
static int
writebatch(const struct ring *r, const struct wcmd *c, struct wstat *ws)
{
	const unsigned char *p = r->mem + (size_t)c->slot * r->bsize;
	size_t done = 0, got;
	int i, err = 0, ok = 1;

	if (r->blockwise) {
		for (i = 0; i < c->count && ok; i++) {
			got = writeout(r, p + (size_t)i * r->bsize, r->bsize, &err);
			done += got;
			ok = got == r->bsize;
		}
	} else {
		size_t total = (size_t)c->count * r->bsize, end;

		done = writeout(r, p, total, &err);
		/* A file that took less than the batch: go on a block at a
		 * time, to fill what the media still holds, as a tape's
		 * records would have. */
		while (!r->loop && done < total &&
		    (err == 0 || err == ENOSPC)) {
			end = (done / r->bsize + 1) * r->bsize;
			got = writeout(r, p + done, end - done, &err);
			done += got;
			if (done < end)
				break;
		}
		ok = done == total;
	}
	for (i = 0; i < c->count; i++) {
		size_t at = (size_t)i * r->bsize;

		memset(&ws[i], 0, sizeof(ws[i]));
		ws[i].seq = c->seq + i;
		if (done >= at + r->bsize) {
			ws[i].fate = BLOCK_WRITTEN;
			ws[i].bytes = (int64_t)r->bsize;
		} else if (done >= at && (i == 0 ||
		    ws[i - 1].fate == BLOCK_WRITTEN)) {
			ws[i].fate = BLOCK_CUT;	/* the block that met the end */
			ws[i].err = err;
			ws[i].bytes = (int64_t)(done - at);
		} else
			ws[i].fate = BLOCK_SKIPPED;
	}
	return ok;
}

static void
writer(struct ring *r, int cmdfd, int tokin, int tokout, int statfd)
{
	struct wstat ws[MAXBATCH];
	struct wcmd c;
	ssize_t n;
	char tok;
	int i;

	loop_forget();		/* the master's signals and self-pipe */
	if (r->rmt != NULL)
		r->rmt->wait = NULL;	/* the master's wait is not ours */
	signal(SIGPIPE, SIG_IGN);	/* a closed output is an error to report */
	/* The master's handlers are not ours; SIGINT stays ignored while
	 * dump asks the operator about it (ask_onint). */
	signal(SIGINT, ask_onint() ? SIG_IGN : SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* Progress requests are the master's; a write they cut short
	 * would look like the end of the media. */
	signal(SIGUSR1, SIG_IGN);
#ifdef SIGINFO
	signal(SIGINFO, SIG_IGN);
#endif
	for (;;) {
		n = readfull(cmdfd, &c, sizeof(c));
		if (n == 0)
			_exit(WX_OK);
		if (n != (ssize_t)sizeof(c) || c.count < 1 ||
		    c.count > MAXBATCH)
			_exit(WX_BROKEN);
		if (readfull(tokin, &tok, 1) != 1)
			_exit(WX_LOSTTURN);
		if (tok == 'G')
			tok = writebatch(r, &c, ws) ? 'G' : 'S';
		else
			for (i = 0; i < c.count; i++) {
				memset(&ws[i], 0, sizeof(ws[i]));
				ws[i].seq = c.seq + i;
				ws[i].fate = BLOCK_SKIPPED;
			}
		if (writefull(tokout, &tok, 1) != 0 && errno != EPIPE)
			_exit(WX_BROKEN);
		/* At most PIPE_BUF bytes: the writers' reports never mix. */
		if (writefull(statfd, ws, sizeof(ws[0]) * (size_t)c.count) != 0)
			_exit(WX_BROKEN);
	}
}

/* Close the descriptors of fds[0..n) that are open and not keep1, keep2. */
static void
closeall(int *fds, int n, int keep1, int keep2)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0 && fds[i] != keep1 && fds[i] != keep2)
			close(fds[i]);
}

/*
 * The ring's pipes: a command pipe per writer in cmdp, a turn pipe
 * between each writer and the next in tokp, the status pipe in st, the
 * turn already with the first writer.  Returns 0, or -1 after saying
 * why with every pipe it made closed.
 */
static int
makepipes(int n, int *cmdp, int *tokp, int *st)
{
	int k;

	for (k = 0; k < 2 * n; k++)
		cmdp[k] = tokp[k] = -1;
	st[0] = st[1] = -1;
	if (pipe(st) == 0) {
		for (k = 0; k < n; k++)
			if (pipe(cmdp + 2 * k) != 0 || pipe(tokp + 2 * k) != 0)
				break;
		if (k == n && writefull(tokp[1], "G", 1) == 0)
			return 0;
	}
	warnmsg("starting the writers: pipe:");
	closeall(cmdp, 2 * n, -1, -1);
	closeall(tokp, 2 * n, -1, -1);
	closeall(st, 2, -1, -1);
	return -1;
}

/*
 * Fork the writers for an output, a descriptor or a remote file.  Every
 * block submitted afterwards goes out in sequence order; with
 * blockwise, each block is a write of its own.  The writers share one
 * connection to a remote file: only the one that holds the turn sends a
 * write and reads its reply, so requests and replies never mix.
 * Returns 0, or -1 after saying why, with no pipe left open and no
 * writer left running.
 */
int
ring_start(struct ring *r, int outfd, struct rmt *rmt, int loop,
    int blockwise)
{
	int n = r->nwriters, k, st[2];
	int *cmdp = malloc(sizeof(int) * 2 * (size_t)n);
	int *tokp = malloc(sizeof(int) * 2 * (size_t)n);

	if (cmdp == NULL || tokp == NULL || makepipes(n, cmdp, tokp, st)) {
		if (cmdp == NULL || tokp == NULL)
			warnmsg("starting the writers: out of memory");
		free(cmdp);
		free(tokp);
		return -1;
	}
	r->outfd = outfd;
	r->rmt = rmt;
	r->loop = loop;
	r->blockwise = blockwise;
	r->nbatch = 0;
	r->bcount = 0;
	r->held = 0;
	memset(r->busy, 0, sizeof(*r->busy) * (size_t)r->nslots);
	r->navail = r->nused = 0;
	r->told = 0;
	r->finishing = 0;
	for (k = 0; k < n; k++) {
		r->wst[k] = 0;
		r->pid[k] = fork();
		if (r->pid[k] < 0) {
			warnmsg("starting the writers: fork:");
			r->pid[k] = 0;
			break;
		}
		if (r->pid[k] == 0) {
			int in = cmdp[2 * k], tin = tokp[2 * k];
			int tout = tokp[2 * ((k + 1) % n) + 1];

			closeall(cmdp, 2 * n, in, -1);
			closeall(tokp, 2 * n, tin, tout);
			close(st[0]);
			close(STDIN_FILENO);
			writer(r, in, tin, tout, st[1]);
		}
	}
	/* The writers have their ends; a failed start leaves them none
	 * of ours, so the ones started see the end of their commands. */
	for (k = 0; k < n; k++) {
		close(cmdp[2 * k]);
		r->cmd[k] = cmdp[2 * k + 1];
	}
	closeall(tokp, 2 * n, -1, -1);
	close(st[1]);
	r->status = st[0];
	r->running = 1;
	free(cmdp);
	free(tokp);
	if (k == n)
		return 0;
	ring_kill(r);
	return -1;
}

unsigned char *
ring_slot(struct ring *r, int64_t seq)
{
	return r->mem + (size_t)(seq % r->nslots) * r->bsize;
}

/* May the slot for block seq be filled?  Not while it holds a block. */
int
ring_canfill(const struct ring *r, int64_t seq)
{
	return !r->busy[seq % r->nslots];
}

/*
 * The slot for block seq is free: how many free slots follow it in
 * memory, it included, up to the ring's end or the first one that holds
 * a block.
 */
int
ring_freeahead(const struct ring *r, int64_t seq)
{
	int slot = (int)(seq % r->nslots), k = slot + 1;

	while (k < r->nslots && !r->busy[k])
		k++;
	return k - slot;
}

/*
 * Blocks submitted and not yet reported on, gathered or handed out: what
 * is in flight, the one count of it.
 */
int64_t
ring_held(const struct ring *r)
{
	return r->held;
}

/*
 * Reap writer k if it has ended, waiting for it with hang; its wait
 * status goes to wst[k].  Returns 1 if it has ended (now or before).
 */
static int
reap(struct ring *r, int k, int hang)
{
	pid_t got;
	int st;

	if (r->pid[k] <= 0)
		return 1;
	while ((got = waitpid(r->pid[k], &st, hang ? 0 : WNOHANG)) < 0 &&
	    errno == EINTR)
		continue;
	if (got == 0)
		return 0;
	if (got < 0)		/* not ours any more: gone, how unknown */
		st = 0;
	r->wst[k] = st;
	r->pid[k] = 0;
	return 1;
}

static int
lostturn(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == WX_LOSTTURN;
}

/*
 * The writer that broke the ring, given that writer k has ended: one
 * that lost its turn ended because the writer before it did, so follow
 * the turn back.  Each writer it reaches has ended (its turn pipe is
 * closed), so waiting for it cannot hang.
 */
static int
culprit(struct ring *r, int k)
{
	int i;

	for (i = 1; i < r->nwriters && lostturn(r->wst[k]); i++) {
		k = (k + r->nwriters - 1) % r->nwriters;
		reap(r, k, 1);
	}
	return k;
}

/*
 * The ring is broken and writer k has ended: name the writer that broke
 * it and how it ended, once.  Returns -1.
 */
static int
broken(struct ring *r, int k)
{
	int st;

	if (r->told)
		return -1;
	r->told = 1;
	reap(r, k, 1);
	k = culprit(r, k);
	st = r->wst[k];
	if (WIFSIGNALED(st))
		warnmsg("writer %d was killed by signal %d", k, WTERMSIG(st));
	else
		warnmsg("writer %d exited with status %d", k, WEXITSTATUS(st));
	return -1;
}

/*
 * A child has ended: if it was a writer, before it was told to end, the
 * ring is broken; say which and how.  Returns 0, or -1 if it is broken.
 */
int
ring_checkdead(struct ring *r)
{
	int k;

	if (!r->running || r->finishing)
		return 0;
	for (k = 0; k < r->nwriters; k++)
		if (r->pid[k] > 0 && reap(r, k, 0))
			return broken(r, k);
	return r->told ? -1 : 0;
}

/* Hand the batch being gathered to its writer.  Returns 0 or -1. */
static int
flush(struct ring *r)
{
	struct wcmd c;
	int k = (int)(r->nbatch % r->nwriters);

	if (r->bcount == 0)
		return 0;
	memset(&c, 0, sizeof(c));
	c.seq = r->bstart;
	c.slot = (int32_t)(r->bstart % r->nslots);
	c.count = r->bcount;
	r->bcount = 0;
	r->nbatch++;
	if (writefull(r->cmd[k], &c, sizeof(c)) != 0) {
		/* Its end of the pipe is closed: the writer has ended. */
		if (errno == EPIPE)
			return broken(r, k);
		warnmsg("writer %d:", k);
		return -1;
	}
	return 0;
}

/*
 * Block seq, a whole block in its slot, is ready.  It joins the batch
 * being gathered, which goes to its writer when full.  Returns 0, or -1
 * if the ring is broken.
 */
int
ring_submit(struct ring *r, int64_t seq)
{
	int slot = (int)(seq % r->nslots);

	/* A batch is consecutive blocks in consecutive slots. */
	if (r->bcount > 0 && (seq != r->bstart + r->bcount || slot == 0))
		if (flush(r) != 0)
			return -1;
	if (r->bcount == 0)
		r->bstart = seq;
	r->bcount++;
	r->busy[slot] = 1;
	r->held++;
	if (r->bcount == r->batch)
		return flush(r);
	return 0;
}

/*
 * About to wait for a report: nothing can come back for blocks still
 * being gathered, so hand them out if nothing else is out (else let the
 * batch grow).  Returns 0, or -1 if the ring is broken.
 */
int
ring_handout(struct ring *r)
{
	return r->held == r->bcount ? flush(r) : 0;
}

/*
 * What to poll for the writers' reports: the status pipe, or -1 once
 * the ring is not running or every writer has closed its end.
 */
int
ring_statusfd(const struct ring *r)
{
	return r->running ? r->status : -1;
}

/*
 * The status pipe is readable: read whatever reports are there, in one
 * read (a writer's reports arrive whole, and are whole numbers of
 * reports), for ring_report to give out.  The end of the pipe is the
 * writers' end: expected once they were told to finish, the ring broken
 * otherwise.  Returns 0, or -1 if the ring is broken.
 */
int
ring_readreports(struct ring *r)
{
	const size_t one = sizeof(r->rep[0]);
	ssize_t n;

	while ((n = read(r->status, r->rep, sizeof(r->rep))) < 0 &&
	    errno == EINTR)
		continue;
	if (n > 0 && n % (ssize_t)one != 0)
		n += readfull(r->status, (char *)r->rep + n,
		    one - (size_t)n % one);
	if (n == 0 && r->finishing) {
		close(r->status);
		r->status = -1;
		r->running = 0;
		return 0;
	}
	if (n == 0)		/* every writer has closed its end */
		return broken(r, 0);
	if (n < 0 || n % (ssize_t)one != 0) {
		warnmsg("the writers' reports are garbled (%zd bytes)", n);
		return -1;
	}
	r->navail = (int)(n / (ssize_t)one);
	r->nused = 0;
	return 0;
}

/*
 * The next report read and not yet taken, its block's slot free again.
 * Returns 1, or 0 if none is left.
 */
int
ring_report(struct ring *r, struct wstat *ws)
{
	if (r->nused >= r->navail)
		return 0;
	*ws = r->rep[r->nused++];
	r->busy[ws->seq % r->nslots] = 0;
	r->held--;
	return 1;
}

/*
 * No more blocks: hand out the last batch and tell the writers to end
 * once they have written what they hold.  Their reports still come;
 * the status pipe ends when the last has gone.  Returns 0, or -1 if the
 * ring is broken.
 */
int
ring_finish(struct ring *r)
{
	int k, bad;

	if (!r->running || r->finishing)
		return 0;
	bad = flush(r);
	for (k = 0; k < r->nwriters; k++)
		close(r->cmd[k]);
	r->finishing = 1;
	return bad;
}

/*
 * Reap the writers after ring_finish (their status pipe has ended, or
 * the caller gives up on it).  Returns 0, or -1 if one did not end
 * cleanly, named.
 */
int
ring_reap(struct ring *r)
{
	int k, st, bad = r->told;

	if (!r->finishing)
		return 0;
	for (k = 0; k < r->nwriters; k++) {
		reap(r, k, 1);
		st = r->wst[k];
		if ((!WIFEXITED(st) || WEXITSTATUS(st) != WX_OK) && !bad)
			bad = broken(r, k);
	}
	if (r->status >= 0)
		close(r->status);
	r->status = -1;
	r->running = 0;
	r->finishing = 0;
	return bad ? -1 : 0;
}

/* Stop the writers now, whatever they are doing, and reap them. */
void
ring_kill(struct ring *r)
{
	int k;

	if (!r->running && !r->finishing)
		return;
	for (k = 0; k < r->nwriters; k++)
		if (r->pid[k] > 0)
			kill(r->pid[k], SIGTERM);
	for (k = 0; k < r->nwriters; k++) {
		if (!r->finishing)
			close(r->cmd[k]);
		if (r->pid[k] > 0)
			reap(r, k, 1);
	}
	if (r->status >= 0)
		close(r->status);
	r->status = -1;
	r->running = 0;
	r->finishing = 0;
}
