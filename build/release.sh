#!/usr/bin/env bash
# make release VERSION=x.y.z: the Linux desktop binary, .deb and .tar.gz,
# the Windows GUI and console executables in a .zip, and SHA256SUMS, all in
# build/release/. Runs on Linux; the Linux binary needs cgo with GTK 3 and
# WebKitGTK 4.1 (libgtk-3-dev, libwebkit2gtk-4.1-dev), the Windows ones
# need nothing (Wails drives WebView2 from plain Go). With a certificate in
# WATTFOLIO_SIGN_* (see build/sign-windows.sh) and osslsigncode installed,
# the Windows executables are signed.
#
# The version is, in this order: $VERSION, the tag on HEAD (v1.2.3 gives
# 1.2.3), the VERSION file. It reaches the binaries through -ldflags only.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

version=${VERSION:-}
if [ -z "$version" ]; then
  version=$(git describe --tags --exact-match 2>/dev/null || true)
  version=${version#v}
fi
if [ -z "$version" ] && [ -f VERSION ]; then version=$(tr -d ' \n' < VERSION); fi
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "release: version '$version' is not x.y.z (set VERSION=x.y.z, tag HEAD vX.Y.Z or write a VERSION file)" >&2
  exit 2
fi
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit-dirty"; fi
ldflags="-s -w -X main.version=$version -X main.commit=$commit"
# No -trimpath: with the same tags as `make desktop` the Linux build reuses
# its compiled packages (CI builds both; -trimpath would compile everything
# again, minutes on 2 cores). The cost is the build folder's paths in panic
# traces.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

out=build/release
stage=$out/.stage # build/nfpm.yaml names it
rm -rf "$out"
mkdir -p "$stage"
tools="$GO tool -modfile=tools/go.mod"

echo "== linux/amd64 desktop binary"
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 $GO build \
  -tags desktop,production,webkit2_41 -ldflags "$ldflags" -o "$stage/linux/wattfolio" .

echo "== .deb (nfpm)"
VERSION=$version $tools nfpm package --config build/nfpm.yaml --packager deb --target "$out/wattfolio_${version}_amd64.deb"

echo "== .tar.gz"
tdir=$stage/wattfolio-$version-linux-amd64
mkdir -p "$tdir"
cp "$stage/linux/wattfolio" build/wattfolio.desktop README.md "$tdir/"
cp build/appicon.png "$tdir/wattfolio.png"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$stage" -czf "$out/wattfolio-$version-linux-amd64.tar.gz" "wattfolio-$version-linux-amd64"

# Windows: the icon, version information and manifest are a resource object
# (.syso) that go build links when it lies in the main package's folder; it
# is made per executable and removed afterwards. The GUI manifest declares
# per-monitor DPI awareness (v2) and common controls 6.
wdir=$stage/wattfolio-$version-windows-amd64
mkdir -p "$wdir"
syso=rsrc_windows_amd64.syso
trap 'rm -f "$syso"' EXIT
winbuild() { # manifest output extra-ldflags
  $tools go-winres simply --arch amd64 --out rsrc --manifest "$1" --icon build/appicon.png \
    --product-name Wattfolio --file-description "Wattfolio: energy contract portfolios, offline" \
    --product-version "$version" --file-version "$version" --original-filename "$(basename "$2")"
  # wv2runtime.browser: where the WebView2 runtime is missing or too old, a
  # dialog says so and offers its download page, then the app exits; it
  # never downloads or runs an installer by itself.
  CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $GO build \
    -tags desktop,production,wv2runtime.browser -ldflags "$ldflags $3" -o "$2" .
  rm -f "$syso"
}
echo "== windows/amd64 GUI executable"
winbuild gui "$wdir/wattfolio.exe" "-H=windowsgui -X main.defaultCommand=desktop"
echo "== windows/amd64 console executable"
winbuild cli "$wdir/wattfolio-cli.exe" ""
# Signed (when WATTFOLIO_SIGN_* name a certificate) before they are zipped,
# so SHA256SUMS covers the signed files.
echo "== signing the Windows executables"
signed=$(build/sign-windows.sh "$wdir/wattfolio.exe" "$wdir/wattfolio-cli.exe")
echo "$signed"
cp README.md "$wdir/"
(cd "$stage" && find "wattfolio-$version-windows-amd64" -exec touch -d "@$SOURCE_DATE_EPOCH" {} + &&
  zip -qrX "../wattfolio-$version-windows-amd64.zip" "wattfolio-$version-windows-amd64")

echo "== SHA256SUMS"
(cd "$out" && sha256sum -- *.deb *.tar.gz *.zip > SHA256SUMS && cat SHA256SUMS)
ls -l "$out"
echo "Windows executables: $(grep -q '^sign: NOT signed' <<<"$signed" && echo 'NOT signed (no certificate given)' || echo signed)"
