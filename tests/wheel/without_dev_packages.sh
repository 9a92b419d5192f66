#!/usr/bin/env bash
# Runs a command as on a machine without the build-time packages: in a private mount namespace
# (nothing outside this process sees it) every libspdlog and libfmt library file is replaced by an
# empty file and the headers of spdlog, fmt, Eigen and Boost by empty directories. Needs root and
# unshare (util-linux); elsewhere it says so and runs the command as it is (ldd still checks).
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 || ! unshare -m true 2>/dev/null; then
  echo "without_dev_packages: cannot make a private mount namespace here; running with the packages visible"
  exec "$@"
fi
exec unshare -m bash -c '
  set -euo pipefail
  empty=$(mktemp -d)
  hidden=0
  for f in /usr/lib/*/libspdlog* /usr/lib/*/libfmt* /usr/lib/libspdlog* /usr/lib/libfmt*; do
    [ -e "$f" ] || continue
    mount --bind /dev/null "$f"; hidden=$((hidden + 1))
  done
  for d in /usr/include/spdlog /usr/include/fmt /usr/include/eigen3 /usr/include/boost; do
    [ -d "$d" ] || continue
    mount --bind "$empty" "$d"; hidden=$((hidden + 1))
  done
  echo "without_dev_packages: hid $hidden library files and header directories (spdlog, fmt, Eigen, Boost)"
  export RECOVERYSIM_EXPECT_NO_DEV=1
  exec "$@"
' bash "$@"
