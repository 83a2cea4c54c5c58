/*
 * The block map of an inode as runs: stretches of the file (or of its
 * UFS2 extended-attribute area) that are either a hole or physically
 * contiguous fragments on the device.  Runs come in logical order, cover
 * the whole size without gaps, and break wherever contiguity does.
 */
#ifndef BMAP_H
#define BMAP_H

#include <stdint.h>

#include "ufs.h"

struct run {
	uint64_t	off;	/* logical byte offset in the file or area */
	int64_t		frag;	/* first fragment on the device; 0: a hole */
	uint64_t	len;	/* bytes; only the last run may end mid-block */
};

typedef int (*run_fn)(void *arg, const struct run *r);

/*
 * Walk the data (ext == 0) or the extended-attribute area (ext == 1) of
 * dp, reading indirect blocks into ibuf (UFS_NIADDR * fs->bsize bytes).
 * Damaged pointers are reported, counted in *errors and walked as holes;
 * a size beyond what the pointers address (ufs_addressable()) is damage
 * too, reported, counted, and walked only as far as they reach.
 * Returns 0, or the first nonzero value emit returned.
 */
int	bmap_walk(const struct ufs *fs, const struct dinode *dp, int ext,
	    unsigned char *ibuf, run_fn emit, void *arg,
	    unsigned long *errors);

#endif
