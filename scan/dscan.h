/*
 * dscan's state, shared by its passes: the file system, the inode maps
 * and what the stream will say about the dump.
 */
#ifndef DSCAN_H
#define DSCAN_H

#include <stdint.h>
#include <stdio.h>

#include "ufs.h"

/* Exit statuses, as in dscan(1). */
#define DS_OK		0	/* the stream is complete and every inode read */
#define DS_STARTUP	1	/* bad usage, or the file system is unusable */
#define DS_DAMAGED	2	/* complete, but damage was found and reported */
#define DS_OUTPUT	4	/* the stream could not be written */

#define WINDOW		(1 << 20)	/* bytes of inodes read at once */

struct filter;
struct names;
struct tree;

struct scan {
	struct ufs	 fs;
	int		 level;
	int		 honor;		/* nodump counts from this level on */
	int		 lastlevel;	/* of the dump this one follows, or -1 */
	uint64_t	 maxsparse;	/* -z: bigger and mostly holes is damage */
	int64_t		 date, ddate;
	const char	*label;
	const char	*fsname;
	unsigned char	*used;		/* allocated inodes (TS_CLRI) */
	unsigned char	*dirs;		/* allocated directories */
	unsigned char	*dump;		/* inodes to dump (TS_BITS) */
	unsigned char	*dirmap;	/* directories that may hold some */
	uint32_t	*inited;	/* initialised inodes per group */
	int		 dirskipped;	/* pass II has work to do */
	uint64_t	 ninodes;	/* inodes to dump */
	uint64_t	 estimate;	/* TP_BSIZE records to write */
	unsigned long	 errors;
	/* a window on the inode table, for ascending reads */
	unsigned char	*ibuf;
	uint32_t	 icap, ifirst, icount;
	unsigned char	 ibad[WINDOW / 128];	/* unreadable inodes */
	unsigned char	*ilost;		/* inodes lost to read errors */
	uint32_t	 nlost;		/* how many */
	unsigned char	*indbuf;	/* indirect blocks, one per level */
	unsigned char	*dirbuf;	/* directory blocks being read */
	struct filter	*filter;	/* -w, or NULL */
	struct names	*names;		/* -p: paths in the stream */
	struct tree	*tree;		/* entries the tree check left out */
	FILE		*out;
};

/* Read-ahead of the directory blocks a reader will need (dirahead.c). */
struct dirahead {
	const struct scan	*s;
	const unsigned char	*map;	/* the reader's directories are here */
	uint64_t		 next;	/* first inode not yet announced */
	uint64_t		 refill;	/* announce more from this inode */
	unsigned char		*ibuf;	/* a window of inodes of our own */
	uint32_t		 ifirst, icount;
	struct span		*v;	/* the batch's ranges */
	size_t			 n;
};

void	dirahead_start(struct dirahead *da, const struct scan *s,
	    const unsigned char *map);
void	dirahead_at(struct dirahead *da, uint64_t ino);
void	dirahead_end(struct dirahead *da);

int	scan_maps(struct scan *s);
int	scan_mapdirs(struct scan *s);
int	scan_emit(struct scan *s);
int	scan_getraw(struct scan *s, uint32_t ino, const unsigned char **raw);
void	scan_namelost(struct scan *s, struct names *nm);
uint64_t scan_estimate(const struct ufs *fs, const struct dinode *dp);
void	scan_reestimate(struct scan *s);
uint64_t scan_overhead(const struct scan *s);

struct names *names_build(struct scan *s);
void	names_free(struct names *nm);
void	names_each(struct scan *s, struct names *nm, uint32_t ino,
	    void (*fn)(void *, const char *, size_t), void *arg);
void	names_ancestors(const struct names *nm, uint32_t ino,
	    unsigned char *map);
uint32_t names_parent(const struct names *nm, uint32_t dir);
uint32_t names_lookup(const struct names *nm, const char *path);
int	names_inany(const struct names *nm, uint32_t ino,
	    const unsigned char *map);
unsigned char *names_closure(const struct names *nm,
	    const unsigned char *dirs, const unsigned char *tops);

void	*scan_grow(void *p, size_t *cap, size_t need, size_t size,
	    const char *what);

void	filter_add(struct scan *s, char *crit);
void	filter_setup(struct scan *s, const char *special, const char *ddpath);
void	filter_paths(struct scan *s, const struct names *nm);
int	filter_keeps(const struct scan *s, const struct names *nm,
	    const struct dinode *dp);
void	filter_apply(struct scan *s, const struct names *nm);

void	scan_checktree(struct scan *s);
void	scan_omitted(const struct scan *s, uint32_t dir,
	    void (*fn)(void *, uint32_t, uint64_t), void *arg);
void	scan_freetree(struct scan *s);

int	scan_summary(struct scan *s, struct names *nm, FILE *out,
	    const char *special, const char *ddpath);


#endif
