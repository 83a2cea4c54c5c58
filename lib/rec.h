/*
 * dscan's record stream (dscan(5)): the one writer and the one reader.
 * The reader checks the grammar as well as the syntax: the header first,
 * the maps before the inodes, directories before other files, each in
 * ascending order, and every inode's runs covering exactly its size.
 */
#ifndef REC_H
#define REC_H

#include <stdint.h>
#include <stdio.h>

#include "bmap.h"

#define REC_VERSION	1
#define REC_LINEMAX	8192	/* bytes in a line, newline included */
#define REC_LABELMAX	15	/* c_label holds 16 bytes, NUL included */
#define REC_NAMEMAX	63	/* c_filesys, c_dev and c_host: 64 */
#define REC_PATHMAX	1024
#define REC_LINKMAX	120	/* the longest target kept in an inode */

enum rectype {
	R_HEADER, R_USED, R_DUMPED, R_INODE, R_DATA, R_EXT, R_LINK, R_NAME,
	R_OMIT, R_END
};

struct rec_time {
	int64_t		sec;
	int32_t		nsec;
};

struct rec_header {
	int		version;
	char		dev[REC_PATHMAX + 1];
	int		ufs2;
	int		be;
	int		oldinofmt;	/* 4.2BSD inodes and directories */
	int64_t		sblock;
	int32_t		bsize, fsize;
	uint32_t	ncg, ipg, maxino;
	int64_t		fssize;		/* fragments */
	uint32_t	fsid[2];
	int		level;
	int64_t		date, ddate;
	char		label[REC_LABELMAX + 1];
	char		fsname[REC_NAMEMAX + 1];
	char		host[REC_NAMEMAX + 1];
	uint64_t	inodes;		/* inode records that follow */
	uint64_t	blocks;		/* estimated TP_BSIZE records */
};

struct rec_inode {
	uint32_t	ino;
	char		type;		/* d f l c b p s */
	uint16_t	mode;		/* type bits and permissions */
	int32_t		nlink;
	uint32_t	uid, gid;
	uint64_t	size, blocks;
	struct rec_time	atime, mtime, ctime, birthtime;
	uint32_t	flags, gen;
	uint64_t	rdev;
	uint32_t	extsize;
};

struct rec {
	enum rectype	type;
	union {
		struct rec_header	h;	/* R_HEADER */
		struct {
			uint32_t first, last;
		}			range;	/* R_USED, R_DUMPED */
		struct rec_inode	i;	/* R_INODE */
		struct {
			uint32_t	ino;
			struct run	run;
		}			run;	/* R_DATA, R_EXT */
		struct {
			uint32_t	ino;
			size_t		len;
			unsigned char	bytes[REC_PATHMAX];
		}			str;	/* R_LINK, R_NAME */
		struct {
			uint32_t	ino;
			uint64_t	off;
		}			omit;	/* R_OMIT */
		struct {
			uint64_t	inodes, errors;
		}			end;	/* R_END */
	} u;
};

struct recreader {
	FILE		*fp;
	const char	*name;		/* for messages */
	uint64_t	 lineno;
	char		 line[REC_LINEMAX + 1];
	char		 err[256];
	/* grammar state */
	int		 state;
	uint32_t	 maxino;
	uint64_t	 maxsize;	/* of a file, from bsize */
	uint32_t	 lastrange;
	uint32_t	 lastino;
	int		 lastdir;
	uint64_t	 inodes;
	struct rec_inode cur;
	uint64_t	 dataoff, extoff;
	int		 havelink;
	uint64_t	 omitnext;	/* the lowest offset an 'o' may give */
};

void	rec_reader_init(struct recreader *rr, FILE *fp, const char *name);
int	rec_read(struct recreader *rr, struct rec *r);

void	rec_put_header(FILE *fp, const struct rec_header *h);
void	rec_put_range(FILE *fp, enum rectype t, uint32_t first,
	    uint32_t last);
void	rec_put_inode(FILE *fp, const struct rec_inode *ip);
void	rec_put_run(FILE *fp, enum rectype t, uint32_t ino,
	    const struct run *r);
void	rec_put_str(FILE *fp, enum rectype t, uint32_t ino,
	    const unsigned char *s, size_t n);
void	rec_put_omit(FILE *fp, uint32_t ino, uint64_t off);
void	rec_put_end(FILE *fp, uint64_t inodes, uint64_t errors);
uint16_t rec_typebits(char type);

#endif
