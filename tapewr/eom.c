/*
 * A block not written whole: the end of the media, or a write error.
 *
 * The rule.  Writers report every block, in any order; the block that
 * failed is the earliest in the stream not written whole (the writers
 * after it skip theirs).  At the end of the media (a write that wrote
 * nothing or less than the block, or ENOSPC) the whole records that
 * block's write took stay on the volume; the rest of that block, and
 * every block handed out after it, roll forward unchanged, in order,
 * ahead of anything else onto the next volume, after its TS_TAPE (the
 * TS_END records that padded a last block aside: the next volume pads
 * its own).  A regular file is cut back to its last whole record.  Any
 * other error can only be mended by writing the whole volume again:
 * from a copy of it kept in TMPDIR, and only where the volume can be
 * mounted anew (a device, a remote file) and an operator can say so.
 */
#include <sys/types.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dtapewr.h"
#include "msg.h"
#include "xio.h"

/*
 * Account for one writer's report: a block written, or the one that
 * failed if it is the earliest so far (a block cut beats a block
 * skipped with the same number).  Returns 1 if the block was written.
 */
int
eom_account(struct tw *t, const struct wstat *ws)
{
	if (ws->fate == BLOCK_WRITTEN) {
		t->written += t->ntrec;
		t->vol.recs += t->ntrec;
		t->vol.bytes += (int64_t)t->bs;
		return 1;
	}
	if (!t->failed || ws->seq < t->fail.seq ||
	    (ws->seq == t->fail.seq && ws->fate == BLOCK_CUT)) {
		t->fail = *ws;
		t->failed = 1;
	}
	return 0;
}

/*
 * The copy of the volume kept for a rewrite after a write error: only
 * with someone to ask, only on a device (a file or a pipe cannot be
 * mounted anew), in writes of about a megabyte, and only while it takes
 * less than half the room free in TMPDIR when the volume began.
 */
#define CKBUF	(1 << 20)

/* Stop keeping the copy of this volume, saying why. */
static void
ckdrop(struct tw *t, const char *why)
{
	dumpnote("no copy of volume %d is kept for a rewrite (%s): a write "
	    "error will end the dump", t->vol.volume, why);
	close(t->ckfd);
	t->ckfd = -1;
}

/* Write out the blocks gathered for the copy. */
static void
ckflush(struct tw *t)
{
	if (t->ckfd >= 0 && t->ckused > 0 &&
	    writefull(t->ckfd, t->ckbuf, t->ckused) != 0) {
		warnmsg("copy of volume %d for a rewrite:", t->vol.volume);
		ckdrop(t, "it cannot be written");
	}
	t->ckused = 0;
}

/* The unlinked file of the copy, close-on-exec; -1 after saying why. */
static int
ckopen(struct tw *t)
{
	const char *dir = getenv("TMPDIR");
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/dtapewr.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		warnmsg("%s: no copy of volume %d can be kept for a rewrite "
		    "after a write error:", path, t->vol.volume);
		return -1;
	}
	unlink(path);
	/* not for the remote shell or -P command of a later volume */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		warnmsg("%s: close-on-exec:", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* A copy for the volume that starts, if one makes sense. */
void
ck_start(struct tw *t)
{
	size_t rec = t->bs + sizeof(struct recmeta) * (size_t)t->ntrec;
	struct statvfs vfs;

	t->ckblocks = 0;
	t->ckused = 0;
	if (t->ckfd >= 0)
		close(t->ckfd);
	t->ckfd = -1;
	/* A device can be written again; so can a remote file after a
	 * lost connection.  A local file or pipe cannot. */
	if (!vol_canask(&t->out) || !(t->out.isdev || t->out.remote))
		return;
	if (t->ckbuf == NULL) {
		t->ckcap = CKBUF / rec > 0 ? CKBUF / rec : 1;
		if ((t->ckbuf = malloc(t->ckcap * rec)) == NULL) {
			warnmsg("no copy of volume %d can be kept for a "
			    "rewrite after a write error: out of memory",
			    t->vol.volume);
			return;
		}
	}
	if ((t->ckfd = ckopen(t)) < 0)
		return;
	t->ckmax = fstatvfs(t->ckfd, &vfs) != 0 ? (int64_t)1 << 30 :
	    (int64_t)(vfs.f_bavail / 2) * (int64_t)vfs.f_frsize;
}

/* Keep a copy of each block of the volume, to rewrite it after EIO. */
void
ck_block(struct tw *t, const unsigned char *p, const struct recmeta *m)
{
	size_t rec = t->bs + sizeof(*m) * (size_t)t->ntrec;
	char why[96];

	if (t->ckfd < 0)
		return;
	if ((t->ckblocks + 1) * (int64_t)rec > t->ckmax) {
		snprintf(why, sizeof(why), "it would pass %lld KB, half the "
		    "room free in TMPDIR", (long long)(t->ckmax / 1024));
		ckdrop(t, why);
		return;
	}
	if (t->ckused + rec > t->ckcap * rec)
		ckflush(t);
	memcpy(t->ckbuf + t->ckused, p, t->bs);
	memcpy(t->ckbuf + t->ckused + t->bs, m, rec - t->bs);
	t->ckused += rec;
	t->ckblocks++;
}

/*
 * The records that did not make it, in order: from inside the block
 * that failed (after the keep records its write took), then every block
 * after it, the padding left out, then what the carry held.  They become
 * the carry.  Returns 0, or -1 out of memory.
 */
static int
carryback(struct tw *t, int64_t keep)
{
	size_t cap = (size_t)(2 * t->ring.nslots * t->ntrec);
	size_t n = 0, rest = t->ncarry - t->carryat;
	unsigned char *buf = malloc(cap * TP_BSIZE);
	struct recmeta *mb = malloc(cap * sizeof(*mb));
	int64_t seq, i;
	int slot;

	if (buf == NULL || mb == NULL) {
		free(buf);
		free(mb);
		warnmsg("out of memory");
		return -1;
	}
	for (seq = t->fail.seq; seq < t->seq; seq++) {
		slot = (int)(seq % t->ring.nslots);
		for (i = seq == t->fail.seq ? keep : 0; i < t->nrec[slot]; i++) {
			const struct recmeta *m = t->meta +
			    (size_t)slot * (size_t)t->ntrec + (size_t)i;

			if (m->pad)	/* the next volume pads its own end */
				continue;
			memcpy(buf + n * TP_BSIZE, ring_slot(&t->ring, seq) +
			    i * TP_BSIZE, TP_BSIZE);
			mb[n++] = *m;
		}
	}
	memcpy(buf + n * TP_BSIZE, t->carry + t->carryat * TP_BSIZE,
	    rest * TP_BSIZE);
	memcpy(mb + n, t->cmeta + t->carryat, rest * sizeof(*mb));
	free(t->carry);
	free(t->cmeta);
	t->carry = buf;
	t->cmeta = mb;
	t->ncarry = n + rest;
	t->carryat = 0;
	return 0;
}

/* End of media: roll forward onto the next volume (the rule above). */
static int
rollforward(struct tw *t)
{
	int64_t keep = t->fail.bytes / TP_BSIZE;

	t->vol.recs += keep;
	t->written += keep;
	t->vol.bytes += keep * TP_BSIZE;
	if (t->vol.recs < 2) {
		warnmsg("%s: volume %d took nothing (%lld records): the media "
		    "is full or too small for blocks of %d KB", t->out.name,
		    t->vol.volume, (long long)t->vol.recs, t->ntrec);
		return TW_WRITE;
	}
	dumpnote("End of media on volume %d after %lld tape blocks",
	    t->vol.volume, (long long)t->vol.recs);
	if (carryback(t, keep) != 0)
		return TW_WRITE;
	t->pos = t->vol.first + t->vol.recs;
	t->failed = 0;
	if (t->ncarry == 0 && t->inputdone) {
		/* Only padding missed the volume: the dump is all there. */
		if (t->out.isreg && ftruncate(t->out.fd, (off_t)t->vol.bytes)) {
			warnmsg("%s: cutting back to %lld bytes:", t->out.name,
			    (long long)t->vol.bytes);
			return TW_WRITE;
		}
		return 0;
	}
	return tw_changevol(t, 1);
}

/*
 * The operator's yes to a rewrite, then to a new volume mounted.
 * Returns 0, or TW_ABORT.
 */
static int
askrewrite(struct tw *t)
{
	int a, lost;

	if (vol_ask(&t->out, "Do you want to rewrite this volume from its "
	    "start?") != 1)
		return TW_ABORT;
	if (loop_stopring(t) != 0)
		return t->stopsig ? TW_ABORT : TW_WRITE;
	/* The volume is written anew whatever its close says; a lost
	 * connection was said already. */
	lost = t->out.remote && t->out.rmt.to < 0;
	if (vol_close(&t->out, &t->vol, 0, VOL_AGAIN) != 0 && !lost)
		dumpnote("volume %d did not close cleanly (above); it is "
		    "written anew all the same", t->vol.volume);
	dumpnote("Replace volume %d", t->vol.volume);
	while ((a = vol_ask(&t->out, "Is the new volume mounted and ready to "
	    "go?")) != 1)
		if (a < 0 || vol_ask(&t->out, "Do you want to abort?") != 0)
			return TW_ABORT;
	return 0;
}

/* Submit the blocks of the copy again, from its start. */
static int
rewriteblocks(struct tw *t)
{
	size_t mlen = sizeof(struct recmeta) * (size_t)t->ntrec;
	int64_t b = t->ckblocks;
	int slot;

	t->ckblocks = 0;
	for (; b > 0; b--) {
		while (!ring_canfill(&t->ring, t->seq))
			if (loop_wait(t, -1) != 0)
				return -1;
		slot = (int)(t->seq % t->ring.nslots);
		if (readfull(t->ckfd, ring_slot(&t->ring, t->seq), t->bs) !=
		    (ssize_t)t->bs || readfull(t->ckfd, t->meta +
		    (size_t)slot * (size_t)t->ntrec, mlen) != (ssize_t)mlen) {
			warnmsg("the copy of volume %d for a rewrite:",
			    t->vol.volume);
			return -1;
		}
		t->nrec[slot] = t->ntrec;
		if (ring_submit(&t->ring, t->seq) != 0)
			return -1;
		t->seq++;
		t->vol.blocks++;
		t->ckblocks++;
	}
	return 0;
}

/*
 * A write error other than end of media (why says what it was): rewrite
 * the volume from its start if the operator wants and a copy of it was
 * kept.
 */
static int
rewrite(struct tw *t, const char *why)
{
	int rc;

	dumpnote("write error on volume %d (%s) at block %lld: %s",
	    t->vol.volume, t->out.name, (long long)t->fail.seq, why);
	ckflush(t);
	if (t->ckfd < 0 || t->out.pipeout || t->out.pipecmd != NULL) {
		warnmsg("%s: write error: %s; no copy of the volume to rewrite "
		    "it from, so the dump ends here", t->out.name, why);
		return TW_WRITE;
	}
	if ((rc = askrewrite(t)) != 0)
		return rc;
	t->vol.blocks = t->vol.bytes = t->vol.recs = 0;
	t->failed = 0;
	if (vol_open(&t->out, t->vol.volume) != 0 || tw_startvol(t) != 0)
		return loop_stopped(t) ? TW_ABORT : TW_WRITE;
	if (lseek(t->ckfd, 0, SEEK_SET) != 0) {
		warnmsg("the copy of volume %d for a rewrite:", t->vol.volume);
		return TW_WRITE;
	}
	if (rewriteblocks(t) != 0)
		return t->stopsig ? TW_ABORT : TW_WRITE;
	return 0;
}

/*
 * A remote file whose connection broke: what became of the remote
 * shell, for the message.
 */
static const char *
lostwhy(struct tw *t)
{
	static char why[700];

	if (loop_stopring(t) != 0)
		warnmsg("%s: the writers did not end cleanly", t->out.name);
	rmt_drop(&t->out.rmt, 0);
	snprintf(why, sizeof(why), "lost the connection to rmt on %s (%s)",
	    t->out.rmt.host, t->out.rmt.msg);
	return why;
}

/*
 * A block was not written (t->fail, every block handed out reported):
 * end of media, or another error.  Returns 0 to go on, or an exit
 * status.
 */
int
eom_recover(struct tw *t)
{
	const struct wstat *ws = &t->fail;

	/* Blocks are carried back or rewritten through the ring: records
	 * read ahead into it are kept out of their way. */
	input_keep(&t->in);
	if (ws->fate != BLOCK_CUT) {
		warnmsg("%s: a writer skipped block %lld", t->out.name,
		    (long long)ws->seq);
		return TW_WRITE;
	}
	if (t->out.pipeout) {
		/* (the blocks the relay sent are the ring's uncounted) */
		if (ws->err != 0)
			warnmsg("%s: write error at block %lld: %s",
			    t->out.name, (long long)(ws->seq + t->relayblocks),
			    strerror(ws->err));
		else
			warnmsg("%s: short write at block %lld (%lld of %zu "
			    "bytes)", t->out.name,
			    (long long)(ws->seq + t->relayblocks),
			    (long long)ws->bytes, t->bs);
		return TW_WRITE;
	}
	if (ws->err == 0 || ws->err == ENOSPC)
		return rollforward(t);
	if (t->out.remote && ws->err == RMT_LOST)
		return rewrite(t, lostwhy(t));
	return rewrite(t, strerror(ws->err));
}
