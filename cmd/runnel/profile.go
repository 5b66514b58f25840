package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// processFlags are the flags that configure the process rather than the
// server: configure does not pass them to CONFIG SET.
var processFlags = map[string]bool{"cpuprofile": true, "memprofile": true, "gc-slack": true, "write-buffer": true, "version": true}

// profiling holds the --cpuprofile and --memprofile flags. Both are off by
// default; they exist so the server can be profiled under a real load
// (redis-benchmark, the bench tool) without building a special binary.
type profiling struct {
	cpu, mem *string
	cpuFile  *os.File
}

func addProfileFlags(fs *flag.FlagSet) *profiling {
	return &profiling{
		cpu: fs.String("cpuprofile", "", "write a pprof CPU profile, from start-up to shutdown, to this file"),
		mem: fs.String("memprofile", "", "write a pprof heap profile (allocations since start-up) to this file at shutdown"),
	}
}

// start begins the CPU profile, if asked for.
func (p *profiling) start() error {
	if *p.cpu == "" {
		return nil
	}
	f, err := os.Create(*p.cpu)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	p.cpuFile = f
	return nil
}

// stop ends the CPU profile and writes the heap profile, if asked for.
func (p *profiling) stop() {
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		p.cpuFile.Close()
		p.cpuFile = nil
	}
	if *p.mem != "" {
		f, err := os.Create(*p.mem)
		if err != nil {
			fmt.Fprintf(os.Stderr, "runnel: %v\n", err)
			return
		}
		runtime.GC()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintf(os.Stderr, "runnel: %v\n", err)
		}
		f.Close()
	}
}
