/* log.c — formats a diagnostic and hands it to the host. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void wlog_msg(const struct wlog *lg, enum ww_log_level level, const char *func, const char *fmt,
              ...)
{
    if (!lg || !lg->cb)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (level == WW_LOG_DEBUG) {
        char with_func[1100];
        snprintf(with_func, sizeof(with_func), "%s: %s", func, msg);
        lg->cb(level, with_func, lg->user);
        return;
    }
    lg->cb(level, msg, lg->user);
}
