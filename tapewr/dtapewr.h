/*
 * dtapewr's ring of writer processes.  The master puts each block of the
 * dump stream in a slot of shared memory and hands it to the next writer
 * in turn; a writer waits for the turn token from its predecessor,
 * writes, and passes the token on, so blocks reach the output strictly in
 * stream order.  Every block stays in its slot until its writer reports,
 * so the master always holds what is in flight.
 */
#ifndef DTAPEWR_H
#define DTAPEWR_H

#include <sys/types.h>

#include <stdint.h>

/* Exit statuses, as in dtapewr(1). */
#define TW_OK		0	/* the whole stream was written */
#define TW_STARTUP	1	/* bad usage, or the output cannot be opened */
#define TW_BADINPUT	2	/* the input is not a complete dump stream */
#define TW_WRITE	3	/* the output failed */
#define TW_ABORT	4	/* the operator or a signal stopped the dump */

/* What a writer reports for one block. */
struct wstat {
	int64_t	seq;		/* the block's number in the stream */
	int32_t	done;		/* 1 written whole, 0 not, -1 skipped */
	int32_t	err;		/* errno of a failed write, 0 for short */
	int64_t	bytes;		/* bytes the write accepted */
};

struct ring {
	int		 nwriters;
	int		 nslots;
	size_t		 bsize;		/* bytes per block */
	unsigned char	*mem;		/* nslots * bsize, shared */
	int		*busy;		/* slot holds an unreported block */
	int64_t		*slotseq;
	size_t		*slotlen;
	pid_t		*pid;
	int		*cmd;		/* master -> writer k */
	int		 status;	/* writers -> master */
	int		 outfd;
	int		 loop;		/* keep writing after short writes */
	int		 running;
};

int	ring_init(struct ring *r, int nwriters, size_t bsize);
int	ring_start(struct ring *r, int outfd, int loop);
unsigned char *ring_slot(struct ring *r, int64_t seq);
int	ring_submit(struct ring *r, int64_t seq, size_t len);
int	ring_wait(struct ring *r, struct wstat *ws);
int	ring_free(const struct ring *r, int64_t seq);
int	ring_stop(struct ring *r);

#endif
