#!/bin/sh
# Runs the system protoc (Debian's protobuf-compiler).
exec /usr/bin/protoc "$@"
