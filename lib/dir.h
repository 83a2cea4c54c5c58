/*
 * UFS directories: 512-byte blocks of entries (struct direct: u32 inode,
 * u16 record length, u8 type, u8 name length, the name) that never cross
 * a block; 4.2BSD file systems have a u16 name length and no type.
 * Every entry is checked before it is handed on, but for its inode
 * number: one beyond the last inode is handed on, for the caller to
 * report and leave out (dscan's tree check does).
 */
#ifndef DIR_H
#define DIR_H

#include <stddef.h>
#include <stdint.h>

#include "ufs.h"

#define DIRBLKSIZ	512
#define UFS_MAXNAMLEN	255
#define DIR_READMAX	(64 * 1024)	/* bytes of a directory read at once */

struct dent {
	uint32_t		 ino;
	uint8_t			 type;		/* DT_ type, 0 on 4.2BSD */
	uint16_t		 namlen;
	const unsigned char	*name;		/* not NUL-terminated */
	uint64_t		 off;		/* of the entry in the directory */
};

/*
 * Return nonzero to stop the walk (that value is then returned).  With
 * no function (NULL) the walk only checks the entries and reports damage.
 */
typedef int (*dent_fn)(void *arg, const struct dent *d);

int	dir_blocks(const struct ufs *fs, uint32_t dirino,
	    const unsigned char *p, size_t len, uint64_t off, dent_fn fn,
	    void *arg, unsigned long *errors);
int	dir_walk(const struct ufs *fs, const struct dinode *dp,
	    unsigned char *ibuf, unsigned char *dbuf, dent_fn fn, void *arg,
	    unsigned long *errors);
int	dir_isdot(const struct dent *d);

#endif
