/* log.h — diagnostics through the host's callback. The level is tested
 * before the arguments are formatted; per-packet trouble is never logged
 * here (it becomes counters and anomaly events). */
#ifndef WW_LOG_H
#define WW_LOG_H

#include "../include/walletwatch.h"

struct wlog {
    ww_log_cb cb;
    void *user;
};

void wlog_msg(const struct wlog *lg, enum ww_log_level level, const char *func, const char *fmt,
              ...) __attribute__((format(printf, 4, 5)));

#define LOG_ERR(lg, ...) wlog_msg((lg), WW_LOG_ERR, __func__, __VA_ARGS__)
#define LOG_WARN(lg, ...) wlog_msg((lg), WW_LOG_WARN, __func__, __VA_ARGS__)
#define LOG_INFO(lg, ...) wlog_msg((lg), WW_LOG_INFO, __func__, __VA_ARGS__)
#ifdef WW_DEBUG
#define LOG_DEBUG(lg, ...) wlog_msg((lg), WW_LOG_DEBUG, __func__, __VA_ARGS__)
#else
#define LOG_DEBUG(lg, ...) ((void)(lg))
#endif

#endif
