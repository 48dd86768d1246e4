#!/bin/sh
exec java -jar "$0" "$@"
