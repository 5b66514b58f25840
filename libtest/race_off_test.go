//go:build !race

package libtest

const raceEnabled = false
