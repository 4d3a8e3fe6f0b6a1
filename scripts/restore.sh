#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and media directory.
#
#   DATABASE_URL=postgres://…/ikpe_new MEDIA_ROOT=/data/media-new scripts/restore.sh BACKUP_DIR
#
# Refuses to write into a database that has tables or a media directory that has files, so
# a mistyped variable cannot overwrite a live site: create a new database (createdb) and
# point the site at it once the restore has finished. Afterwards clear the shared cache
# if the site's Redis held entries of another database (see docs/operations.md).
set -euo pipefail

die() { echo "restore: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: DATABASE_URL=… MEDIA_ROOT=… $0 BACKUP_DIR"
backup_dir="$1"
database_url="${DATABASE_URL:-}"
media_root="${MEDIA_ROOT:-}"

case "$database_url" in
  postgres://* | postgresql://*) ;;
  *) die "DATABASE_URL must name the (empty) PostgreSQL database to restore into" ;;
esac
[ -n "$media_root" ] || die "MEDIA_ROOT must name the (empty) directory to restore the media into"
for tool in pg_restore psql sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -f "$backup_dir/database.dump" ] && [ -f "$backup_dir/media.tar.gz" ] \
  || die "$backup_dir holds no backup (database.dump and media.tar.gz)"
(cd "$backup_dir" && sha256sum --check --quiet SHA256SUMS) || die "checksums do not match"

tables="$(psql "$database_url" -X -A -t -v ON_ERROR_STOP=1 \
  -c "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
[ "$tables" = "0" ] || die "the database already has $tables tables; restore into a new, empty one"
mkdir -p "$media_root"
[ -z "$(ls -A "$media_root")" ] || die "MEDIA_ROOT $media_root is not empty"

# One transaction: either the whole database is restored or nothing is.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$database_url" "$backup_dir/database.dump"
tar -xzf "$backup_dir/media.tar.gz" -C "$media_root"
echo "restored $backup_dir into the database and $media_root"
