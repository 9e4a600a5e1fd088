#!/usr/bin/env bash
# The house's invariants, read off the source tree (issue 9): every engine's
# calls and SQL stay under src/store/<engine>/, and no layer includes one above
# it. Each check names the files that break it.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

# files_matching REGEX [DIRS...]: the C files under src/ whose text matches.
files_matching() { grep -rlE --include='*.[ch]' "$1" src | sort; }
outside() { grep -v "^$1" || true; }

is "sqlite3_ is called only under src/store/sqlite/" \
	"$(files_matching 'sqlite3_' | outside src/store/sqlite/)" ""
is "<sqlite3.h> is included only under src/store/sqlite/" \
	"$(files_matching '#include <sqlite3\.h>' | outside src/store/sqlite/)" ""
is "no SQL outside the engines" \
	"$(files_matching '"(SELECT |WITH [a-z_]+ (\(|AS)|(INSERT|REPLACE) (OR [A-Z]+ )?INTO |UPDATE [a-z_]+ SET |DELETE FROM |(CREATE|DROP) (UNIQUE |TEMP )?(TABLE|INDEX|VIEW|TRIGGER) |ALTER TABLE |PRAGMA |SAVEPOINT |RELEASE |ROLLBACK|COMMIT|BEGIN( IMMEDIATE| EXCLUSIVE)?")' \
		| outside 'src/store/\(sqlite\|postgres\)/')" ""
is "only the engines include store/engine.h" \
	"$(files_matching '#include "store/engine\.h"' | outside 'src/store/\(sqlite/\|postgres/\|store\.c\)')" ""
is "libpq is called only under src/store/postgres/ (issue 12)" \
	"$(files_matching '(PQ[a-z]+\(|#include <libpq-fe\.h>)' | outside src/store/postgres/)" ""
is "store_sqlite_db is used only by the engine" \
	"$(files_matching 'store_sqlite_db' | outside src/store/sqlite/)" ""
is "nothing outside an engine includes its private header" \
	"$(files_matching '#include "store/sqlite/' | outside src/store/sqlite/)" ""
is "nothing outside the PostgreSQL engine includes its header" \
	"$(files_matching '#include "store/postgres/' | outside src/store/postgres/)" ""

# Layers, bottom up; a file may include its own layer and the ones below.
layer() {
	case $1 in
	core) echo 0 ;; spotify | landing | store | audio) echo 1 ;; sources | pipeline) echo 2 ;;
	report | similar) echo 3 ;; web | modules) echo 4 ;; cmd | main.c) echo 5 ;; *) echo 9 ;;
	esac
}
bad=""
while IFS= read -r f; do
	top=${f#src/}; top=${top%%/*}
	mine=$(layer "$top")
	for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | sort -u); do
		[ "$(layer "$inc")" -le "$mine" ] || bad="$bad $f->$inc"
	done
done < <(find src -name '*.[ch]' | sort)
is "no layer includes one above it" "$bad" ""
done_testing
