#!/usr/bin/env bash
# build/sign-windows.sh FILE.exe...: signs Windows executables in place
# (Authenticode, SHA-256) with osslsigncode (Debian package osslsigncode)
# when a certificate is given through the environment; without one it
# leaves them unsigned and says so. make release calls it before zipping,
# so SHA256SUMS covers the signed files.
#
#   WATTFOLIO_SIGN_PKCS12     a .pfx/.p12 file with the key and certificate chain, or
#   WATTFOLIO_SIGN_CERT       the certificate (chain) file, PEM or DER, with
#   WATTFOLIO_SIGN_KEY        its private key file, PEM or DER
#   WATTFOLIO_SIGN_PASSWORD   the password of the .pfx or of an encrypted key (optional)
#   WATTFOLIO_SIGN_TIMESTAMP  an RFC 3161 timestamp server URL (optional; with it
#                             the signature stays valid after the certificate expires)
#
# The password reaches osslsigncode through a pipe, not its command line,
# so it never shows in a process list.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 FILE.exe..." >&2; exit 2; }

p12=${WATTFOLIO_SIGN_PKCS12:-}
cert=${WATTFOLIO_SIGN_CERT:-}
key=${WATTFOLIO_SIGN_KEY:-}
if [ -z "$p12$cert$key" ]; then
  echo "sign: NOT signed ($*): no certificate given (WATTFOLIO_SIGN_PKCS12, or WATTFOLIO_SIGN_CERT and WATTFOLIO_SIGN_KEY)"
  exit 0
fi
fail() { echo "sign: $*" >&2; exit 1; }
if [ -n "$p12" ]; then
  [ -z "$cert$key" ] || fail "give either WATTFOLIO_SIGN_PKCS12 or WATTFOLIO_SIGN_CERT and WATTFOLIO_SIGN_KEY, not both"
  [ -r "$p12" ] || fail "WATTFOLIO_SIGN_PKCS12: cannot read $p12"
  creds=(-pkcs12 "$p12")
else
  [ -n "$cert" ] || fail "WATTFOLIO_SIGN_KEY is set but WATTFOLIO_SIGN_CERT is not"
  [ -n "$key" ] || fail "WATTFOLIO_SIGN_CERT is set but WATTFOLIO_SIGN_KEY is not"
  [ -r "$cert" ] || fail "WATTFOLIO_SIGN_CERT: cannot read $cert"
  [ -r "$key" ] || fail "WATTFOLIO_SIGN_KEY: cannot read $key"
  creds=(-certs "$cert" -key "$key")
fi
command -v osslsigncode >/dev/null || fail "a certificate is given but osslsigncode is not installed (apt-get install osslsigncode)"
ts=()
if [ -n "${WATTFOLIO_SIGN_TIMESTAMP:-}" ]; then ts=(-ts "$WATTFOLIO_SIGN_TIMESTAMP"); fi

for exe in "$@"; do
  pass=()
  if [ -n "${WATTFOLIO_SIGN_PASSWORD:-}" ]; then pass=(-readpass /dev/stdin); fi
  printf '%s' "${WATTFOLIO_SIGN_PASSWORD:-}" |
    osslsigncode sign "${creds[@]}" "${pass[@]}" "${ts[@]}" -h sha256 \
      -n Wattfolio -in "$exe" -out "$exe.signed" >/dev/null ||
    { rm -f "$exe.signed"; fail "osslsigncode could not sign $exe (see above)"; }
  chmod --reference="$exe" "$exe.signed" # osslsigncode writes 0644
  mv "$exe.signed" "$exe"
  echo "sign: signed $exe"
done
