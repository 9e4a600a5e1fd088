/*
 * spinlog auth: authorises a Spotify account with the authorization code
 * flow and PKCE. A loopback listener on http://127.0.0.1:PORT/callback waits
 * for the browser's redirect; with --no-browser the redirected URL can also
 * be pasted on stdin. The tokens go to <data>/accounts/<name>.json (0600).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/http.h"
#include "core/timeutil.h"
#include "core/xalloc.h"
#include "spotify/account.h"
#include "spotify/oauth.h"
#include "store/store.h"
#include "core/banned.h"

extern char **environ;

const char cmd_auth_usage[] =
	"usage: spinlog auth [--account NAME] [--port N] [--no-browser]\n"
	"\n"
	"Authorises spinlog to read an account's recently played tracks.\n"
	"   --account NAME   name of the account (default \"main\")\n"
	"   --port N         port of the redirect http://127.0.0.1:N/callback\n"
	"                    (default spotify.redirect_port; 0 picks a free one)\n"
	"   --no-browser     do not open a browser; the redirected URL may also\n"
	"                    be pasted on stdin\n";

#define WAIT_MS (15 * 60 * 1000)

struct callback {
	char *code, *state, *error;
};

static void callback_release(struct callback *cb)
{
	if (cb->code)
		memset(cb->code, 0, strlen(cb->code));
	free(cb->code);
	free(cb->state);
	free(cb->error);
	memset(cb, 0, sizeof(*cb));
}

/* Fills cb from the query of a URL or request target "/callback?...". */
static void parse_query(const char *target, size_t len, struct callback *cb)
{
	const char *q = memchr(target, '?', len), *end = target + len;

	if (!q)
		return;
	for (const char *p = q + 1; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *e = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		char **slot = NULL;
		if (eq) {
			size_t kl = (size_t)(eq - p);
			if (kl == 4 && !memcmp(p, "code", 4))
				slot = &cb->code;
			else if (kl == 5 && !memcmp(p, "state", 5))
				slot = &cb->state;
			else if (kl == 5 && !memcmp(p, "error", 5))
				slot = &cb->error;
		}
		if (slot && !*slot)
			*slot = http_urldecode(eq + 1, (size_t)(e - eq - 1));
		p = e + 1;
	}
}

static void respond(int fd, int status, const char *title, const char *text)
{
	struct strbuf sb = STRBUF_INIT, body = STRBUF_INIT;
	size_t off = 0;

	strbuf_addstr(&body, "<!doctype html><meta charset=utf-8><title>spinlog</title>"
		      "<body style=\"font-family:sans-serif;margin:3em\"><h1>");
	strbuf_add_html(&body, title);
	strbuf_addstr(&body, "</h1><p>");
	strbuf_add_html(&body, text);
	strbuf_addstr(&body, "</p></body>\n");
	strbuf_addf(&sb, "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n"
		    "Cache-Control: no-store\r\n\r\n%s", status,
		    status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request",
		    body.len, body.buf);
	while (off < sb.len) {
		ssize_t w = write(fd, sb.buf + off, sb.len - off);
		if (w <= 0 && errno != EINTR)
			break;
		if (w > 0)
			off += (size_t)w;
	}
	strbuf_release(&sb);
	strbuf_release(&body);
}

/* Reads one request's head; returns 0 with the target in *target. */
static int read_request(int fd, struct strbuf *req)
{
	char buf[1024];

	req->cap = 16384;
	while (!strstr(req->buf, "\r\n\r\n")) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0 || strbuf_add(req, buf, (size_t)n))
			return -1;
	}
	return 0;
}

/*
 * Handles one connection. Returns 1 when it carried the callback (cb
 * filled), 0 for anything else (favicon, garbage), which is answered and
 * forgotten.
 */
static int handle_conn(int fd, const char *want_state, struct callback *cb)
{
	struct strbuf req = STRBUF_INIT;
	const char *sp1, *sp2;
	int ret = 0;

	if (read_request(fd, &req) || strncmp(req.buf, "GET ", 4))
		goto out;
	sp1 = req.buf + 4;
	sp2 = strchr(sp1, ' ');
	if (!sp2 || strncmp(sp1, "/callback", 9) ||
	    (sp1[9] != '?' && sp1 + 9 != sp2)) {
		respond(fd, 404, "Not found", "This is spinlog's authorisation listener.");
		goto out;
	}
	parse_query(sp1, (size_t)(sp2 - sp1), cb);
	if (!cb->code && !cb->error) {
		/* a reload or a prefetch: keep waiting for the real redirect */
		respond(fd, 400, "No authorisation here",
			"This address carries no answer from Spotify; spinlog "
			"is still waiting for it.");
		callback_release(cb);
		goto out;
	}
	ret = 1;
	if (cb->error)
		respond(fd, 400, "Authorisation refused",
			"Spotify did not authorise spinlog. You can close this tab.");
	else if (!cb->state || strcmp(cb->state, want_state) || !cb->code)
		respond(fd, 400, "Authorisation failed",
			"The answer did not match this request (state mismatch); "
			"nothing was stored. You can close this tab and run "
			"'spinlog auth' again.");
	else
		respond(fd, 200, "spinlog is authorised",
			"spinlog can now read your recently played tracks. "
			"You can close this tab.");
out:
	strbuf_release(&req);
	return ret;
}

static int listen_loopback(int port, int *out_port, struct strbuf *err)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0) {
		strbuf_addf(err, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		strbuf_addf(err, "cannot listen on 127.0.0.1:%d: %s (try "
			    "--port with another number, or --port 0)", port,
			    strerror(errno));
		close(fd);
		return -1;
	}
	*out_port = ntohs(sa.sin_port);
	return fd;
}

static void open_browser(const char *url)
{
	char *argv[] = { "xdg-open", (char *)url, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (!posix_spawnp(&pid, "xdg-open", &fa, NULL, argv, environ))
		fputs("spinlog: auth: opened the URL in your browser\n", stderr);
	posix_spawn_file_actions_destroy(&fa);
}

/*
 * Waits for the callback on the listener, or for a pasted URL on stdin
 * (when use_stdin). EOF on stdin only stops reading it. 0 when cb is set.
 */
static int wait_callback(int lfd, int use_stdin, const char *state,
			 struct callback *cb, struct strbuf *err)
{
	struct strbuf line = STRBUF_INIT;
	int64_t deadline = time_mono_ms() + WAIT_MS;
	int ret = -1;

	for (;;) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		int64_t left = deadline - time_mono_ms();
		int n;
		if (left <= 0) {
			strbuf_addstr(err, "gave up waiting for the authorisation "
				      "after 15 minutes; run 'spinlog auth' again");
			goto out;
		}
		n = poll(p, use_stdin ? 2 : 1, (int)(left > 60000 ? 60000 : left));
		if (n < 0 && errno != EINTR) {
			strbuf_addf(err, "poll: %s", strerror(errno));
			goto out;
		}
		if (n > 0 && p[0].revents) {
			int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd >= 0) {
				int got = handle_conn(cfd, state, cb);
				close(cfd);
				if (got) {
					ret = 0;
					goto out;
				}
			}
		}
		if (use_stdin && n > 0 && p[1].revents) {
			char buf[4096];
			ssize_t r = read(0, buf, sizeof(buf));
			if (r <= 0) {
				use_stdin = 0; /* EOF: keep waiting for the callback */
				continue;
			}
			strbuf_add(&line, buf, (size_t)r);
			char *nl = strchr(line.buf, '\n');
			if (nl) {
				parse_query(line.buf, (size_t)(nl - line.buf), cb);
				if (cb->code || cb->error) {
					ret = 0;
					goto out;
				}
				fputs("spinlog: auth: that is not the redirected URL "
				      "(it has no \"code\"); paste the address "
				      "the browser was sent to\n", stderr);
				callback_release(cb);
				strbuf_reset(&line);
			}
		}
	}
out:
	if (line.alloc)
		memset(line.buf, 0, line.len);
	strbuf_release(&line);
	return ret;
}

static int parse_args(int argc, char **argv, const char **account, long *port,
		      int *no_browser)
{
	for (int i = 1; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--account") && i + 1 < argc) {
			*account = argv[++i];
		} else if (!strcmp(argv[i], "--port") && i + 1 < argc) {
			*port = strtol(argv[++i], &end, 10);
			if (*end || *port < 0 || *port > 65535)
				return cmd_usage_error(cmd_auth_usage,
					"'%s' is not a port number", argv[i]);
		} else if (!strcmp(argv[i], "--no-browser")) {
			*no_browser = 1;
		} else {
			return cmd_usage_error(cmd_auth_usage, "unknown argument '%s'",
					       argv[i]);
		}
	}
	return 0;
}

static int exchange(struct ctx *ctx, const char *account, const char *code,
		    const char *redirect, const char *verifier, struct strbuf *err)
{
	struct account_state st = ACCOUNT_STATE_INIT;
	struct strbuf form = STRBUF_INIT, msg = STRBUF_INIT;
	struct sp_policy pol = { (int)config_get_int(&ctx->cfg, "spotify.retries"),
				 (long)config_get_int(&ctx->cfg, "spotify.max_wait"),
				 NULL, NULL };
	struct http *h = http_new();
	char *oerr = NULL;
	int64_t nb = 0;
	long holder;
	int ret = -1, lock;

	/*
	 * The lock is taken before the code is spent, so a collect or daemon
	 * round cannot save its older state over the new tokens.
	 */
	lock = account_lock(ctx->data_dir, account,
			    config_get_int(&ctx->cfg, "collect.lock_wait") * 1000,
			    &holder, err);
	if (lock < 0) {
		if (errno == EWOULDBLOCK)
			strbuf_addf(err, "another spinlog is collecting '%s' (pid "
				    "%ld); run 'spinlog auth --account %s' again "
				    "when it is done", account, holder, account);
		goto out;
	}
	oauth_code_form(&ctx->cfg, code, redirect, verifier, &form);
	if (oauth_token_request(h, &ctx->cfg, &pol, form.buf, &st, &nb, &oerr,
				&msg) != HTTP_OK) {
		strbuf_addf(err, "the code exchange failed: %s", msg.buf);
		/* a 429's penalty holds for the whole app, so collect waits too */
		if (nb > time_now_ms())
			account_set_app_not_before(ctx->data_dir, nb);
		goto out;
	}
	if (!st.refresh_token) {
		strbuf_addstr(err, "the token endpoint sent no refresh token");
		goto out;
	}
	st.authorized_ms = time_now_ms();
	if (account_save(ctx->data_dir, account, &st, err))
		goto out;
	if (store_accounts_ensure(ctx->store, account) < 0) {
		strbuf_addf(err, "database: %s", store_errmsg(ctx->store));
		goto out;
	}
	ret = 0;
out:
	memset(form.buf, 0, form.len);
	strbuf_release(&form);
	strbuf_release(&msg);
	account_state_release(&st);
	account_unlock(lock);
	http_free(h);
	free(oerr);
	return ret;
}

int cmd_auth(int argc, char **argv, struct ctx *ctx)
{
	const char *account = "main";
	long port = config_get_int(&ctx->cfg, "spotify.redirect_port");
	int no_browser = 0, lfd = -1, real_port = 0, ret = 1, rc;
	struct strbuf err = STRBUF_INIT, verifier = STRBUF_INIT,
		      challenge = STRBUF_INIT, state = STRBUF_INIT,
		      url = STRBUF_INIT, redirect = STRBUF_INIT;
	struct callback cb = { 0 };
	char *path = NULL;

	if ((rc = parse_args(argc, argv, &account, &port, &no_browser)))
		return rc;
	if (!account_valid_name(account))
		return cmd_usage_error(cmd_auth_usage, "'%s' is not a valid account "
				       "name (letters, digits, '.', '_', '-')", account);
	if (!*config_get(&ctx->cfg, "spotify.client_id")) {
		fputs("spinlog: auth: spotify.client_id is not set; create an app at "
		      "https://developer.spotify.com/dashboard with the redirect URI "
		      "http://127.0.0.1:8888/callback, then put its client ID in the "
		      "config file ([spotify] client_id = ...), or set "
		      "SPINLOG_SPOTIFY_CLIENT_ID, or pass --set spotify.client_id=ID\n",
		      stderr);
		return 1;
	}
	if ((lfd = listen_loopback((int)port, &real_port, &err)) < 0)
		goto out;
	strbuf_addf(&redirect, "http://127.0.0.1:%d/callback", real_port);
	if (oauth_pkce_verifier(&verifier) || oauth_random_state(&state)) {
		strbuf_addstr(&err, "no randomness available from OpenSSL");
		goto out;
	}
	oauth_pkce_challenge(verifier.buf, &challenge);
	oauth_authorize_url(&ctx->cfg, redirect.buf, state.buf, challenge.buf, &url);
	fprintf(stderr, "spinlog: auth: to authorise account '%s', open this URL in a "
		"browser and approve (the redirect URI %s must be registered for "
		"the app):\n", account, redirect.buf);
	printf("%s\n", url.buf);
	fflush(stdout);
	if (!no_browser)
		open_browser(url.buf);
	else
		fputs("spinlog: auth: waiting for the redirect; or paste the URL the "
		      "browser was sent to here\n", stderr);
	if (wait_callback(lfd, no_browser, state.buf, &cb, &err))
		goto out;
	if (cb.error) {
		strbuf_addf(&err, "Spotify refused the authorisation (%s); nothing "
			    "was stored", cb.error);
		goto out;
	}
	if (!cb.state || strcmp(cb.state, state.buf) || !cb.code) {
		strbuf_addstr(&err, "the redirect's state does not match this "
			      "request; refusing it and storing nothing; run "
			      "'spinlog auth' again");
		goto out;
	}
	if (exchange(ctx, account, cb.code, redirect.buf, verifier.buf, &err))
		goto out;
	path = account_path(ctx->data_dir, account);
	printf("authorised account '%s'; tokens stored in %s\n", account, path);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "spinlog: auth: %s\n", err.buf);
	if (lfd >= 0)
		close(lfd);
	memset(verifier.buf, 0, verifier.len);
	callback_release(&cb);
	strbuf_release(&err);
	strbuf_release(&verifier);
	strbuf_release(&challenge);
	strbuf_release(&state);
	strbuf_release(&url);
	strbuf_release(&redirect);
	free(path);
	return ret;
}
