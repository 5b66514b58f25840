//go:build race

package libtest

// raceEnabled is true when the tests run with -race; the runnel binary the
// client tests start is then built with -race too.
const raceEnabled = true
