/*
 * dtapewr: the dump stream from stdin to tapes, files or stdout.
 *
 * The master reads and checks the stream (input.c), builds blocks in the
 * slots of a ring of writer processes (ring.c) and changes volumes
 * (volume.c).  A writer waits for the turn token from its predecessor,
 * writes its block and passes the token on, so blocks reach the output
 * strictly in stream order.  Every block stays in its slot until its
 * writer reports, so the master always holds what is in flight: at end
 * of media it knows exactly which records made it and carries the rest,
 * unchanged, to the next volume.
 */
#ifndef DTAPEWR_H
#define DTAPEWR_H

#include <sys/types.h>

#include <limits.h>
#include <signal.h>
#include <stdint.h>

#include "rmt.h"
#include "spcl.h"

/*
 * Exit statuses, as in dtapewr(1), with the meanings every stage gives
 * them (2, "complete but damaged", is not one of dtapewr's).
 */
#define TW_OK		0	/* the whole stream was written */
#define TW_STARTUP	1	/* bad usage, or the output cannot be opened */
#define TW_BADINPUT	3	/* the input is not a complete dump stream */
#define TW_WRITE	4	/* the output failed, or memory ran out */
#define TW_ABORT	5	/* the operator stopped the dump */

/* What a writer reports for one block. */
struct wstat {
	int64_t	seq;		/* the block's number in the stream */
	int32_t	done;		/* 1 written whole, 0 not, -1 skipped */
	int32_t	err;		/* errno of a failed write, 0 for short */
	int64_t	bytes;		/* bytes the write accepted */
};

#define BATCHBYTES	(1 << 20)	/* a writer's share of the ring */
#define RINGBYTES	(8 << 20)	/* the most the ring's batches take */
#define MAXBATCH	128		/* blocks: reports fit in PIPE_BUF */

struct ring {
	int		 nwriters;
	int		 nslots;
	int		 batch;		/* blocks handed to a writer at once */
	size_t		 bsize;		/* bytes per block */
	unsigned char	*mem;		/* nslots * bsize, shared */
	int		*busy;		/* slot holds an unreported block */
	pid_t		*pid;		/* 0 once reaped */
	int		*wst;		/* a reaped writer's wait status */
	int		 told;		/* the broken ring was reported */
	int		*cmd;		/* master -> writer k */
	int		 status;	/* writers -> master */
	int		 outfd;
	struct rmt	*rmt;		/* or a remote file through rmt(8) */
	int		 loop;		/* keep writing after short writes */
	int		 blockwise;	/* a write per block: a tape */
	int		 running;
	/* the batch being gathered */
	int64_t		 bstart;
	int		 bcount;
	int64_t		 nbatch;	/* batches handed out since the start */
	int64_t		 inflight;	/* blocks handed out, not reported */
	/* reports read but not yet taken */
	struct wstat	 rep[PIPE_BUF / sizeof(struct wstat)];
	int		 navail, nused;
};

/* What follows a volume vol_close() closes. */
#define VOL_LAST	0	/* nothing: the dump is over, or failed */
#define VOL_NEW		1	/* the next volume */
#define VOL_AGAIN	2	/* the same volume, written anew */


/* The dump stream on stdin, checked by the tape format's reader. */
struct input {
	int		 fd;
	unsigned char	*buf;
	size_t		 len, off;
	int		 eof;
	struct spcl_checker chk;	/* what the stream said so far */
	char		 err[160];
};

/* Where the volumes go. */
struct outputs {
	char		**names;	/* -f a,b,c */
	int		  nnames;
	int		  multi;	/* -M: names[0] is a prefix */
	const char	 *pipecmd;	/* -P */
	char		  name[1100];	/* of the current volume */
	int		  fd;
	int		  pipeout;	/* a pipe: no volumes, no end of media */
	int		  isreg;	/* a regular file: cut back at EOM */
	int		  isdev;	/* a tape or other device: can be rewritten */
	pid_t		  pipepid;	/* -P's shell */
	int		  remote;	/* host:file, through rmt */
	struct rmt	  rmt;
	int		  tty;		/* /dev/tty, -1 if none */
};

struct tw {
	int		 ntrec;		/* records per block */
	size_t		 bs;		/* bytes per block */
	int		 nwriters;
	int64_t		 volcap;	/* blocks per volume; 0: to the end of media */
	int		 progress;	/* seconds between progress lines */
	struct ring	 ring;
	struct input	 in;
	struct outputs	 out;
	struct recmeta	*meta;		/* per record of each slot */
	int		*nrec;		/* records in each slot */
	/* records carried to the next volume */
	unsigned char	*carry;
	struct recmeta	*cmeta;
	size_t		 ncarry, carryat;
	/* where we are */
	int64_t		 pos;		/* number of the next record placed */
	int		 volume;
	int64_t		 volfirst;	/* number of the volume's TS_TAPE */
	int64_t		 volblocks;	/* blocks submitted to this volume */
	int64_t		 volbytes;	/* bytes known written to it */
	int64_t		 volrecs;	/* records known written to it */
	int64_t		 seq;		/* blocks submitted, all volumes */
	int64_t		 pending;	/* blocks submitted, not yet reported */
	int		 failed;	/* a block was not written */
	struct wstat	 fail;		/* the earliest such block */
	int64_t		 written;	/* records written, all volumes */
	int		 inputdone;
	/* checkpoint copy of the current volume, for a rewrite after EIO */
	int		 ckfd;
	int64_t		 ckblocks;
	int64_t		 ckmax;		/* bytes it may take */
	unsigned char	*ckbuf;		/* blocks not yet written to it */
	size_t		 ckused, ckcap;
	double		 start, lastnote;
	double		 volstart;	/* when this volume was opened */
	int64_t		 volfrom;	/* records written before it */
};

extern volatile sig_atomic_t wantinfo;
extern volatile sig_atomic_t stopsig;

int	input_init(struct input *in, int fd);
int	input_next(struct input *in, unsigned char *dst, struct recmeta *m);
void	input_pad(const struct input *in, unsigned char *dst,
	    struct recmeta *m);

int	ring_init(struct ring *r, int nwriters, size_t bsize);
int	ring_start(struct ring *r, int outfd, struct rmt *rmt, int loop,
	    int blockwise);
unsigned char *ring_slot(struct ring *r, int64_t seq);
int	ring_submit(struct ring *r, int64_t seq, size_t len);
int	ring_wait(struct ring *r, struct wstat *ws);
int	ring_free(const struct ring *r, int64_t seq);
int	ring_stop(struct ring *r);
void	ring_kill(struct ring *r);

int	vol_open(struct tw *t);
int	vol_close(struct tw *t, int cutback, int next);
int	vol_next(struct tw *t);
int	vol_ask(struct tw *t, const char *question);
int	vol_canask(const struct tw *t);

#endif
