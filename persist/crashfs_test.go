package persist

import (
	"math/rand/v2"
	"testing"
)

// TestCrashFS checks the exported crash file system the way the layers
// above use it: under Always every commit survives Crash; under No, with
// nothing synced since the stream was created, the commits are lost — so a
// test built on CrashFS can see a loss.
func TestCrashFS(t *testing.T) {
	const n = 50
	for _, tt := range []struct {
		policy FsyncPolicy
		want   func(got uint64) bool
	}{
		{Always, func(got uint64) bool { return got == n }},
		{No, func(got uint64) bool { return got < n }},
	} {
		t.Run(tt.policy.String(), func(t *testing.T) {
			fs := NewCrashFS()
			opts := Options{Fsync: tt.policy, CrashFS: fs}
			s := openT(t, crashDir, opts)
			createWriters(t, s, 1)
			if tt.policy == No {
				// Make the stream itself durable, so only the commits below
				// are at risk.
				if err := s.Close(); err != nil {
					t.Fatal(err)
				}
				s = openT(t, crashDir, opts)
			}
			commitN(t, s, 1, n)
			crashed := fs.Crash(rand.New(rand.NewPCG(1, 2)), 0)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			r := openT(t, crashDir, Options{Fsync: tt.policy, CrashFS: crashed})
			defer r.Close()
			if got := survivors(t, r, 1)[0]; !tt.want(got) {
				t.Fatalf("%v: %d of %d commits survived the crash", tt.policy, got, n)
			}
		})
	}
}
