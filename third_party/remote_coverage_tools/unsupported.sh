#!/bin/sh
echo "coverage tools are not available in the offline ledgerseal build" >&2
exit 1
