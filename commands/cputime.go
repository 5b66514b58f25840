package commands

import "syscall"

// cpuTimes returns the system and user CPU seconds of the process and of
// its waited-for children, for INFO cpu.
func cpuTimes() (self, children [2]float64) {
	var ru syscall.Rusage
	sec := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = [2]float64{sec(ru.Stime), sec(ru.Utime)}
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = [2]float64{sec(ru.Stime), sec(ru.Utime)}
	}
	return self, children
}
