#!/usr/bin/env bash
# Prove the README's two set-up commands as a new user runs them on Debian 12 (issue 28):
# a bare Debian 12 root made with debootstrap from Debian's archive, a fresh clone of this
# repository in it (no .venv, no node_modules, no caches), and the README's two commands run
# in it as root, verbatim but for `sudo` (the README: "as root, leave out sudo").
#
#   sudo tools/prove-setup-debian12.sh DIR [COMMIT]     (needs root, debootstrap, git; ~1 h, ~6 GB)
#
# DIR is made and left in place (remove it with its mounts undone); the log is DIR.log.
# Environment: MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
dir=$(realpath -m "$1"); commit=${2:-HEAD}
repo=$(cd "$(dirname "$0")/.." && pwd)
mirror=${MIRROR:-http://deb.debian.org/debian}
log="$dir.log"
exec > >(tee -a "$log") 2>&1

if [ ! -x "$dir/usr/bin/apt-get" ]; then
  echo "== debootstrap --variant=minbase bookworm $dir $mirror"
  debootstrap --variant=minbase bookworm "$dir" "$mirror"
fi
# What an installed system has that a bare root lacks: the kernel's file systems, a resolver.
for fs in proc sys dev dev/pts dev/shm; do mountpoint -q "$dir/$fs" || mount --bind "/$fs" "$dir/$fs"; done
trap 'for fs in dev/shm dev/pts dev sys proc; do umount -l "$dir/$fs" 2>/dev/null || true; done' EXIT
cp /etc/resolv.conf "$dir/etc/resolv.conf"
# Where the network passes through a TLS-inspecting proxy (as this workplace's does), the host's
# extra CA certificates, which Debian's ca-certificates adds to the system's store when installed.
if compgen -G "/usr/local/share/ca-certificates/*.crt" > /dev/null; then
  mkdir -p "$dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
  if [ -x "$dir/usr/sbin/update-ca-certificates" ]; then chroot "$dir" /usr/sbin/update-ca-certificates > /dev/null; fi
fi
printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
  "$mirror" "$mirror" > "$dir/etc/apt/sources.list"

echo "== a fresh clone of $(git -C "$repo" rev-parse "$commit") into $dir/root/site"
rm -rf "$dir/root/site" "$dir/root/.cache" "$dir/root/.npm"
git clone -q --no-local "$repo" "$dir/root/site"
git -C "$dir/root/site" checkout -q "$(git -C "$repo" rev-parse "$commit")"

# The seed beside the clone, where README.md and content/ look for it (../shared/seed/), as CI has it.
seed="$repo/../shared/seed"
if [ -d "$seed" ]; then mkdir -p "$dir/root/shared" && rm -rf "$dir/root/shared/seed" && cp -r "$seed" "$dir/root/shared/seed"; fi

# The README's two commands, as the reader copies them (comment lines left out).
awk '/^## Set-up/{s=1} /^## Commands/{s=0} s&&/^```sh/{b=1;next} s&&b&&/^```/{b=0} s&&b&&!/^#/&&NF' \
  "$dir/root/site/README.md" > "$dir/root/readme-commands.sh"
[ "$(wc -l < "$dir/root/readme-commands.sh")" -eq 2 ] || { echo "README has not two set-up commands"; exit 1; }
n=0
while IFS= read -r command; do
  n=$((n + 1))
  echo "== command $n: ${command//sudo /}"
  start=$(date +%s)
  # DEBIAN_FRONTEND stands in for a reader pressing Enter at any debconf question.
  chroot "$dir" /usr/bin/env -i HOME=/root TERM=dumb DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/site && ${command//sudo /}" < /dev/null
  echo "== command $n passed in $(( $(date +%s) - start )) s"
done < "$dir/root/readme-commands.sh"
echo "== both README commands passed on $(cat "$dir/etc/debian_version") (Debian 12)"
