/* eve-file.h — the sensor's EVE output: whole lines appended to a file or
 * standard output, each line in a single write() (batched, never split). */
#ifndef WW_SENSOR_EVE_FILE_H
#define WW_SENSOR_EVE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVE_FILE_BUF (64 * 1024)

struct eve_file {
    int fd;
    char *path;            /* NULL for standard output */
    char *buf;             /* whole lines waiting to be written */
    size_t used;
    uint64_t lines;        /* lines handed to eve_file_line */
    uint64_t write_errors; /* lines lost to failed writes */
    bool reported;         /* the first write error has been printed */
};

/* Returns 0, or -1 with "PATH: message" in err. path "-" is standard output. */
int eve_file_open(struct eve_file *ef, const char *path, char *err, size_t errlen);
/* Queues line + '\n'; writes the batch first when the line does not fit. */
void eve_file_line(struct eve_file *ef, const char *line, size_t len);
/* Writes every queued line; returns 0, or -1 if the batch was lost. */
int eve_file_flush(struct eve_file *ef);
/* Flushes, then reopens the path (logrotate); on failure keeps the old file
 * and returns -1 with the message in err. */
int eve_file_reopen(struct eve_file *ef, char *err, size_t errlen);
/* Flushes and closes. */
void eve_file_close(struct eve_file *ef);

#endif
