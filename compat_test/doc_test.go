// Package compat_test is runnel's differential suite: it runs the scripted
// cases of testdata/*.txt against a real redis-server and against runnel
// over raw RESP, in RESP2 and RESP3, and compares the replies byte for byte
// after normalising what must differ. README.md describes the case-file
// format, the normalisations, and the environment variables.
//
// The package has test files only. TestCompat runs the cases; the other
// tests check the harness itself and need no server.
package compat_test
