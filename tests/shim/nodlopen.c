/*
 * nodlopen.so: an LD_PRELOAD shim that makes dlopen(3) fail for every
 * file whose name contains one of the words of $SY_NODLOPEN (separated by
 * spaces), as it fails on a machine without that library: the real
 * dlopen is asked for the same name in a folder that does not exist, so
 * that dlerror(3) says why in its own words.  $SY_DLOPEN_LOG, when set,
 * names a file that receives one line per name asked for, refused or not.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
refused(const char *file)
{
	const char *deny = getenv("SY_NODLOPEN");
	char word[256];
	size_t n;

	if (file == NULL || deny == NULL)
		return 0;
	while (*deny != '\0') {
		n = strcspn(deny, " ");
		if (n > 0 && n < sizeof(word)) {
			memcpy(word, deny, n);
			word[n] = '\0';
			if (strstr(file, word) != NULL)
				return 1;
		}
		deny += n;
		deny += strspn(deny, " ");
	}
	return 0;
}

void *
dlopen(const char *file, int mode)
{
	void *(*next)(const char *, int) =
	    (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	const char *log = getenv("SY_DLOPEN_LOG");
	char path[4096];
	FILE *fp;

	if (log != NULL && file != NULL && (fp = fopen(log, "a")) != NULL) {
		fprintf(fp, "%s\n", file);
		fclose(fp);
	}
	if (refused(file)) {
		snprintf(path, sizeof(path), "/nonexistent-syndic-test/%s",
		    strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
		return next(path, mode);
	}
	return next(file, mode);
}
