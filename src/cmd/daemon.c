/*
 * spinlog daemon: polls every account on an adaptive schedule, runs the ETL
 * when it is due, and stops cleanly on SIGTERM or SIGINT.
 *
 * Why adaptive: recently-played only ever shows the last 50 plays, so an
 * account must be polled before 50 new plays pile up. After a busy poll the
 * next one comes sooner: the pause is interval_max scaled by the share of
 * the 50-play window that stayed free, clamped to [interval_min,
 * interval_max]. A quiet account costs one request per interval_max. A
 * rate-limit penalty moves the next poll to its end, never before.
 *
 * Why a child per round: the daemon spends nearly all its life asleep. The
 * parent keeps only the schedule; each round of work (the polls that are
 * due, then the ETL when it is due) runs in a forked child with its own
 * database connection, HTTP handle and TLS state, and reports back through a
 * pipe. Whatever a round allocates (TLS, SQLite's page cache, an ETL batch)
 * goes back to the system when the child exits, so the idle daemon stays at
 * a few megabytes and cannot grow over months. A crash in a round is logged
 * and the next round starts fresh.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/collect.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/strvec.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "spotify/retry.h"
#include "store/store.h"

#include "pipeline/etl.h"
#include "core/banned.h"

const char cmd_daemon_usage[] =
	"usage: spinlog daemon [--once]\n"
	"\n"
	"Polls every account on an adaptive interval (collect.interval_min to\n"
	"collect.interval_max seconds), runs the ETL as etl.schedule and\n"
	"etl.after_poll say, and stops on SIGTERM or SIGINT.\n"
	"   --once   poll each account once (and run the ETL if due), then exit\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct due {
	char *name;
	int64_t next_ms;
	int64_t token_checked_ms; /* the refresh token's age, once a day */
};

/* The daemon runs for months: it says a refresh token is about to expire
 * (collect_warn_token_age) on its first round and then once a day. */
#define TOKEN_CHECK_MS (86400000LL)

/* The pause after a poll that saw `items` plays (see the comment on top). */
int64_t daemon_next_interval_ms(int items, int64_t min_ms, int64_t max_ms)
{
	int64_t v;

	if (items > 50)
		items = 50;
	v = max_ms * (50 - items) / 50;
	if (v < min_ms)
		v = min_ms;
	if (v > max_ms)
		v = max_ms;
	return v;
}

static int64_t etl_period_ms(const char *schedule)
{
	if (!strcmp(schedule, "hourly"))
		return 3600 * 1000LL;
	if (!strcmp(schedule, "daily"))
		return 86400 * 1000LL;
	return 0; /* never */
}

static void maybe_run_etl(struct ctx *ctx, int stored)
{
	struct strbuf summary = STRBUF_INIT, err = STRBUF_INIT;
	int64_t period = etl_period_ms(config_get(&ctx->cfg, "etl.schedule"));
	int64_t last = 0, now = time_now_ms();
	int after_poll = config_get_bool(&ctx->cfg, "etl.after_poll") && stored;

	store_state_get_int(ctx->store, "daemon.etl_last_ms", &last);
	if (!after_poll && !(period && now - last >= period))
		return;
	log_info("etl: starting");
	if (etl_run(ctx->store, ctx->landing, &ctx->cfg, ctx->data_dir, NULL, 0,
		    &summary, &err)) {
		/* not marked done: the next round tries again */
		log_error("etl: %s", err.buf);
	} else {
		log_info("%s", summary.buf);
		if (store_state_set_int(ctx->store, "daemon.etl_last_ms", now))
			log_warn("etl: cannot record the run: %s",
				 store_errmsg(ctx->store));
	}
	strbuf_release(&summary);
	strbuf_release(&err);
}

/* Brings the schedule in line with the account files; new ones are due now. */
static void sync_accounts(struct ctx *ctx, struct due **d, size_t *n, size_t *alloc)
{
	struct strvec names = STRVEC_INIT;
	struct due *nd = NULL;
	size_t nn = 0, nalloc = 0;

	if (collect_accounts(ctx, NULL, &names))
		log_warn("no accounts to poll; run 'spinlog auth'");
	for (size_t i = 0; i < names.n; i++) {
		int64_t next = 0, checked = 0;
		for (size_t j = 0; j < *n; j++)
			if (!strcmp((*d)[j].name, names.v[i])) {
				next = (*d)[j].next_ms;
				checked = (*d)[j].token_checked_ms;
			}
		ALLOC_GROW(nd, nn + 1, nalloc);
		nd[nn].name = xstrdup(names.v[i]);
		nd[nn].token_checked_ms = checked;
		nd[nn++].next_ms = next;
	}
	for (size_t j = 0; j < *n; j++)
		free((*d)[j].name);
	free(*d);
	*d = nd;
	*n = nn;
	*alloc = nalloc;
	strvec_clear(&names);
}

/* What a round's child tells the parent about one account it polled. */
struct poll_report {
	int rc;
	int sp;
	int busy;
	int fetched, new_plays, pages;
	int64_t newest_ms, not_before_ms;
};

/* Moves the account's next poll according to a poll's outcome, and logs it. */
static void schedule_next(struct ctx *ctx, struct due *a,
			  const struct poll_report *r)
{
	int64_t min_ms = config_get_int(&ctx->cfg, "collect.interval_min") * 1000;
	int64_t max_ms = config_get_int(&ctx->cfg, "collect.interval_max") * 1000;
	char iso[TIME_ISO_MAX] = "none";
	int64_t now = time_now_ms();

	if (r->newest_ms)
		time_format_iso(r->newest_ms, iso);
	if (!r->rc) {
		a->next_ms = now + daemon_next_interval_ms(r->fetched, min_ms, max_ms);
		log_info("poll '%s': %d new play%s, %d page%s, newest %s; next in %lld s",
			 a->name, r->new_plays, r->new_plays == 1 ? "" : "s",
			 r->pages, r->pages == 1 ? "" : "s", iso,
			 (long long)((a->next_ms - now) / 1000));
	} else if (r->busy) {
		a->next_ms = now + min_ms;
		log_info("poll '%s': another spinlog is collecting it; next in "
			 "%lld s", a->name, (long long)(min_ms / 1000));
	} else if (r->sp == SP_REAUTH || r->sp == SP_NO_ACCOUNT) {
		a->next_ms = now + max_ms;
		log_info("poll '%s': %s; checking again in %lld s", a->name,
			 sp_result_name((enum sp_result)r->sp),
			 (long long)(max_ms / 1000));
	} else {
		a->next_ms = now + min_ms;
		log_info("poll '%s': failed (%s); next in %lld s", a->name,
			 sp_result_name((enum sp_result)r->sp),
			 (long long)(min_ms / 1000));
	}
	if (r->not_before_ms > a->next_ms) {
		char nb[TIME_ISO_MAX];
		a->next_ms = r->not_before_ms;
		time_format_iso(r->not_before_ms, nb);
		log_info("poll '%s': rate limited; next poll at %s", a->name, nb);
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * The child's side of a round: polls the due accounts (in schedule order),
 * writes one report per account to fd, then runs the ETL if it is due.
 */
static int run_round(struct ctx *ctx, struct due *d, size_t n, int64_t now,
		     int fd)
{
	struct strbuf err = STRBUF_INIT;
	int stored = 0;

	if (ctx_open_store(ctx, &err)) {
		log_error("%s", err.buf);
		strbuf_release(&err);
		return 1;
	}
	collect_clean_temps(ctx);
	for (size_t i = 0; i < n && !stop_flag; i++) {
		struct poll_result res;
		struct poll_report r;

		if (d[i].next_ms > now)
			continue;
		memset(&res, 0, sizeof(res));
		r.rc = collect_one(ctx, d[i].name, &stop_flag, &res, NULL);
		if (stop_flag)
			break;
		r.sp = res.sp;
		r.busy = res.busy;
		r.fetched = res.fetched;
		r.new_plays = res.new_plays;
		r.pages = res.pages;
		r.newest_ms = res.newest_ms;
		r.not_before_ms = res.not_before_ms;
		stored += res.new_plays;
		if (write_all(fd, &r, sizeof(r)))
			break;
	}
	close(fd);
	if (!stop_flag)
		maybe_run_etl(ctx, stored);
	ctx_close_store(ctx);
	return 0;
}

/*
 * Runs one round in a child and applies its reports to the schedule. An
 * account whose report is missing (the child died) is retried after
 * interval_min. Returns -1 when no child could be started.
 */
static int round_in_child(struct ctx *ctx, struct due *d, size_t n,
			  int64_t now)
{
	int64_t min_ms = config_get_int(&ctx->cfg, "collect.interval_min") * 1000;
	int fds[2], status = 0;
	pid_t pid;

	if (pipe(fds)) {
		log_error("cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		log_error("cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(run_round(ctx, d, n, now, fds[1]));
	}
	close(fds[1]);
	for (size_t i = 0; i < n; i++) {
		struct poll_report r;
		size_t got = 0;

		if (d[i].next_ms > now)
			continue;
		while (got < sizeof(r)) {
			ssize_t k = read(fds[0], (char *)&r + got, sizeof(r) - got);
			if (k < 0 && errno == EINTR) {
				if (stop_flag)
					kill(pid, SIGTERM);
				continue;
			}
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		if (got == sizeof(r)) {
			schedule_next(ctx, &d[i], &r);
		} else if (!stop_flag) {
			d[i].next_ms = time_now_ms() + min_ms;
			log_error("poll '%s': the round ended without a report; "
				  "next in %lld s", d[i].name,
				  (long long)(min_ms / 1000));
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		if (stop_flag)
			kill(pid, SIGTERM);
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
		log_error("a round died of signal %d", WTERMSIG(status));
	return 0;
}

int cmd_daemon(int argc, char **argv, struct ctx *ctx)
{
	struct sigaction sa;
	struct due *d = NULL;
	size_t n = 0, alloc = 0;
	int once = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--once"))
			once = 1;
		else
			return cmd_usage_error(cmd_daemon_usage,
					       "unknown argument '%s'", argv[i]);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: sleeps end at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	log_set_timestamps(1);
	log_set_command("daemon");
	log_info("started (pid %ld)", (long)getpid());
	/*
	 * The parent never opens the database (the dispatcher was told not
	 * to): each round opens its own, migrating it first if need be.
	 */
	ctx->db_path = ctx_store_url(ctx);
	while (!stop_flag) {
		int64_t now, wake;
		int due = 0;

		sync_accounts(ctx, &d, &n, &alloc);
		now = time_now_ms();
		for (size_t i = 0; i < n; i++) {
			due += d[i].next_ms <= now;
			if (!d[i].token_checked_ms ||
			    now - d[i].token_checked_ms >= TOKEN_CHECK_MS) {
				collect_warn_token_age(ctx, d[i].name, now);
				d[i].token_checked_ms = now;
			}
		}
		if ((due || once) && round_in_child(ctx, d, n, now))
			failed = 1;
		if (once) {
			failed |= !n;
			break;
		}
		wake = now + 60000; /* look for new accounts every minute */
		for (size_t i = 0; i < n; i++)
			if (d[i].next_ms < wake)
				wake = d[i].next_ms;
		sp_sleep_ms(wake - time_now_ms(), &stop_flag);
	}
	if (stop_flag)
		log_info("stopping on signal");
	for (size_t i = 0; i < n; i++)
		free(d[i].name);
	free(d);
	return failed ? 1 : 0;
}
