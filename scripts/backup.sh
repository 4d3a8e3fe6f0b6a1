#!/usr/bin/env bash
# Back up the IKPE content platform: the PostgreSQL database and the uploaded media.
#
#   DATABASE_URL=postgres://… MEDIA_ROOT=/data/media scripts/backup.sh [TARGET_DIR]
#
# Writes TARGET_DIR/ikpe-YYYYmmdd-HHMMSS/ (TARGET_DIR defaults to ./backups) with
#   database.dump   pg_dump custom format (compressed; restore with scripts/restore.sh)
#   media.tar.gz    everything below MEDIA_ROOT (original images, renditions, documents)
#   SHA256SUMS      checksums of both, checked by the restore
# The folder appears under its final name only when both parts are complete and readable.
# Read-only for the site: pg_dump takes one consistent snapshot while the site keeps
# serving. Uploads made during the run may be missing from the tar; run it when editors
# are not uploading (e.g. at night) or back up object storage separately.
set -euo pipefail

die() { echo "backup: $*" >&2; exit 1; }

project_dir="$(cd "$(dirname "$0")/.." && pwd)"
database_url="${DATABASE_URL:-}"
media_root="${MEDIA_ROOT:-$project_dir/media}"
target_dir="${1:-$project_dir/backups}"

case "$database_url" in
  postgres://* | postgresql://*) ;;
  "") die "DATABASE_URL is not set (postgres://user:password@host:5432/name)" ;;
  *) die "DATABASE_URL must name a PostgreSQL database; SQLite is a file: copy it with sqlite3 .backup" ;;
esac
command -v pg_dump >/dev/null || die "pg_dump is not installed (Debian: apt-get install postgresql-client)"
[ -d "$media_root" ] || die "MEDIA_ROOT $media_root is not a directory"

name="ikpe-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$target_dir"
partial="$(mktemp -d "$target_dir/.$name.XXXXXX")"
trap 'rm -rf "$partial"' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$partial/database.dump" "$database_url"
# A dump that pg_restore cannot list is no backup.
pg_restore --list "$partial/database.dump" >/dev/null
tar -czf "$partial/media.tar.gz" -C "$media_root" .
tar -tzf "$partial/media.tar.gz" >/dev/null
(cd "$partial" && sha256sum database.dump media.tar.gz >SHA256SUMS)

mv "$partial" "$target_dir/$name"
trap - EXIT
echo "$target_dir/$name"
