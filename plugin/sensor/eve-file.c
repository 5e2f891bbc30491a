/* eve-file.c — EVE lines to a file opened O_APPEND, or to standard output.
 *
 * Lines are batched in a 64 KiB buffer that only ever holds whole lines, so
 * each write() carries whole lines: a reader tailing the file, or a second
 * process appending to it, never sees a line cut in two. A line longer than
 * the buffer gets its own write(). */
#include "eve-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int open_path(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return fd;
}

int eve_file_open(struct eve_file *ef, const char *path, char *err, size_t errlen)
{
    memset(ef, 0, sizeof(*ef));
    ef->fd = -1;
    ef->buf = malloc(EVE_FILE_BUF);
    if (ef->buf == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
        return -1;
    }
    if (strcmp(path, "-") == 0) {
        ef->fd = STDOUT_FILENO;
        return 0;
    }
    ef->path = strdup(path);
    if (ef->path == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
    } else if ((ef->fd = open_path(path, err, errlen)) >= 0) {
        return 0;
    }
    free(ef->path);
    free(ef->buf);
    ef->path = NULL;
    ef->buf = NULL;
    return -1;
}

static size_t count_lines(const char *p, size_t n)
{
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += p[i] == '\n';
    return lines;
}

static void write_failed(struct eve_file *ef, const char *rest, size_t n, int errnum)
{
    ef->write_errors += count_lines(rest, n);
    if (!ef->reported) {
        fprintf(stderr, "walletwatch: %s: cannot write events: %s\n",
                ef->path != NULL ? ef->path : "<stdout>", strerror(errnum));
        ef->reported = true;
    }
}

/* One write() for the whole span unless the kernel takes only part of it. */
static int write_all(struct eve_file *ef, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(ef->fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            write_failed(ef, p, n, w < 0 ? errno : EIO);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int eve_file_flush(struct eve_file *ef)
{
    if (ef->used == 0)
        return 0;
    int rc = write_all(ef, ef->buf, ef->used);
    ef->used = 0;
    return rc;
}

void eve_file_line(struct eve_file *ef, const char *line, size_t len)
{
    ef->lines++;
    if (len + 1 > EVE_FILE_BUF - ef->used)
        eve_file_flush(ef);
    if (len + 1 <= EVE_FILE_BUF) {
        memcpy(ef->buf + ef->used, line, len);
        ef->buf[ef->used + len] = '\n';
        ef->used += len + 1;
        return;
    }
    char *big = malloc(len + 1);
    if (big == NULL) {
        write_failed(ef, "\n", 1, ENOMEM);
        return;
    }
    memcpy(big, line, len);
    big[len] = '\n';
    write_all(ef, big, len + 1);
    free(big);
}

int eve_file_reopen(struct eve_file *ef, char *err, size_t errlen)
{
    eve_file_flush(ef);
    if (ef->path == NULL)
        return 0;
    int fd = open_path(ef->path, err, errlen);
    if (fd < 0)
        return -1;
    close(ef->fd);
    ef->fd = fd;
    return 0;
}

void eve_file_close(struct eve_file *ef)
{
    if (ef->buf != NULL)
        eve_file_flush(ef);
    if (ef->path != NULL && ef->fd >= 0)
        close(ef->fd);
    free(ef->path);
    free(ef->buf);
    ef->path = NULL;
    ef->buf = NULL;
    ef->fd = -1;
}
