#!/bin/sh
# Runs ckpt on the committed fixtures: the tour the README shows.
set -e
CKPT=${CKPT:-.build/release/ckpt}
run() { echo; echo "\$ ckpt $*"; $CKPT "$@" || true; }
run --help
