//go:build !race

package compat_test

// raceEnabled is true when the tests run with -race; runnel is then built
// with -race too.
const raceEnabled = false
