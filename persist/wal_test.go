package persist

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// parseWALSegment is readWALSegment over data, returning the records
// (the tests' view of a segment).
func parseWALSegment(data []byte, gen uint64) ([]walRecord, error) {
	var recs []walRecord
	err := readWALSegment(bytes.NewReader(data), int64(len(data)), gen, func(seq uint64, repr []byte) {
		recs = append(recs, walRecord{seq: seq, repr: slices.Clone(repr)})
	})
	if err != nil {
		return nil, err
	}
	return recs, nil
}

// segmentOf returns the records of seqs (payload "batch <seq>") as segment
// gen's bytes, each written after every record before it was synced (as
// one client's commits under Always).
func segmentOf(gen uint64, seqs ...uint64) []byte {
	var b []byte
	for _, s := range seqs {
		b = appendWALRecord(b, gen, s, uint64(len(b)), []byte(fmt.Sprintf("batch %d", s)))
	}
	return b
}

// unsyncedSegmentOf is segmentOf for records appended in one go after the
// first synced bytes of the segment: one write whose sync never ended.
func unsyncedSegmentOf(gen, synced uint64, seqs ...uint64) []byte {
	var b []byte
	for _, s := range seqs {
		b = appendWALRecord(b, gen, s, synced, []byte(fmt.Sprintf("batch %d", s)))
	}
	return b
}

func seqsOf(recs []walRecord) []uint64 {
	var out []uint64
	for _, r := range recs {
		if string(r.repr) != fmt.Sprintf("batch %d", r.seq) {
			return append(out, 0) // a payload that is not its batch's
		}
		out = append(out, r.seq)
	}
	return out
}

func TestParseWALSegment(t *testing.T) {
	full := segmentOf(7, 1, 2, 3, 4)
	rec := len(segmentOf(7, 1)) // every record here has the same size
	flip := func(b []byte, at int) []byte {
		b = slices.Clone(b)
		b[at] ^= 0x40
		return b
	}
	cases := []struct {
		name    string
		data    []byte
		want    []uint64
		corrupt bool
	}{
		{"whole", full, []uint64{1, 2, 3, 4}, false},
		{"empty", nil, nil, false},
		{"zeros (a prepared segment)", make([]byte, 4096), nil, false},
		{"torn in the last header", full[:3*rec+10], []uint64{1, 2, 3}, false},
		{"torn in the last payload", full[:4*rec-1], []uint64{1, 2, 3}, false},
		{"last record damaged (a torn write)", flip(full, 4*rec-2), []uint64{1, 2, 3}, false},
		{"records of the file's earlier life after the new ones",
			append(segmentOf(7, 10, 11), segmentOf(3, 4, 5, 6)...), []uint64{10, 11}, false},
		{"zeros after the records", append(segmentOf(7, 1, 2), make([]byte, 100)...), []uint64{1, 2}, false},
		{"a synced record in the middle damaged", flip(full, rec+walHeader+2), nil, true},
		{"a synced record's header damaged", flip(full, rec+9), nil, true},
		{"a hole in unsynced records, whole ones after it (a crash)",
			flip(unsyncedSegmentOf(7, 0, 1, 2, 3, 4), rec+walHeader+2), []uint64{1}, false},
		{"a synced record's length damaged", flip(full, rec+5), nil, true},
		{"the first record damaged, synced ones after it", flip(full, 2), nil, true},
		{"a hole after the synced records, unsynced ones after it (a crash)",
			flip(append(segmentOf(7, 1, 2), unsyncedSegmentOf(7, uint64(2*rec), 3, 4, 5)...), 2*rec+walHeader+2), []uint64{1, 2}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, err := parseWALSegment(tc.data, 7)
			if tc.corrupt {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("got %v, %v; want ErrCorrupt", seqsOf(recs), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := seqsOf(recs); !slices.Equal(got, tc.want) {
				t.Fatalf("records %v, want %v", got, tc.want)
			}
		})
	}
}

// openLog runs openWAL on dir of fs, recording the batches it replays.
func openLog(t *testing.T, fs vfs.FS, last uint64) (*wal, []string) {
	t.Helper()
	var replayed []string
	w, _, err := openWAL(fs, "/db", walConfig{lanes: 2, segSize: 4096}, last,
		func(repr []byte) error { replayed = append(replayed, string(repr)); return nil },
		func() error { return nil },
		func() FsyncPolicy { return Always })
	if err != nil {
		t.Fatal(err)
	}
	return w, replayed
}

func writeFile(t *testing.T, fs vfs.FS, name string, data []byte) {
	t.Helper()
	f, err := fs.Create(name, vfs.WriteCategoryUnspecified)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWALReplayStopsAtGap: batches 1, 2 and 4 were synced by two lanes, 3
// never was. Replay stops after 2 (nothing after a batch that was never
// synced was acknowledged), skips what Pebble already holds, and the
// records after the gap can never come back: the next log numbers its
// batches from 3 again, and a later start must read the new 3, not the old
// 4 after it.
func TestWALReplayStopsAtGap(t *testing.T) {
	fs := vfs.NewMem()
	if err := fs.MkdirAll("/db", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fs, "/db/"+walName(5), segmentOf(5, 1, 4))
	writeFile(t, fs, "/db/"+walName(6), segmentOf(6, 2))
	w, replayed := openLog(t, fs, 0)
	if want := []string{"batch 1", "batch 2"}; !slices.Equal(replayed, want) {
		t.Fatalf("replayed %q, want %q", replayed, want)
	}
	// A new batch 3, synced, then a crash.
	seq, err := w.apply(func(uint64) ([]byte, error) { return []byte("new 3"), nil })
	if err != nil || seq != 3 {
		t.Fatalf("apply: %d, %v", seq, err)
	}
	if err := w.wait(3); err != nil {
		t.Fatal(err)
	}
	w.close()
	// Pebble held batch 2 (its flush covered the replay).
	w, replayed = openLog(t, fs, 2)
	if want := []string{"new 3"}; !slices.Equal(replayed, want) {
		t.Fatalf("after the restart replayed %q, want %q", replayed, want)
	}
	w.close()
	// Pebble ahead of the log (its tables hold batches the log lost, as
	// under appendfsync no): nothing replayed, numbering goes on after.
	w, replayed = openLog(t, fs, 9)
	if len(replayed) != 0 || w.seq != 9 {
		t.Fatalf("replayed %q, next batch %d; want none, 10", replayed, w.seq+1)
	}
	w.close()
}

// keyedModel names stream 1 "s" in s and returns the model of that.
func keyedModel(t *testing.T, s *Pebble) *model {
	t.Helper()
	m := newModel()
	b := &Batch{}
	b.Add(Op{Kind: KeyPut, DB: 0, Key: "s", UID: 1})
	commitT(t, s, b)
	m.apply(b)
	return m
}

// TestWALSegmentsReused commits far more than a segment holds, from many
// goroutines over two lanes, and checks that the lanes moved to new
// segments, that flushed segments were reused rather than piling up, and
// that a crash at the end (the log synced, nothing flushed since the last
// reuse) and a restart give back every batch.
func TestWALSegmentsReused(t *testing.T) {
	fs := vfs.NewMem()
	opts := Options{fs: fs, logLanes: 2, logSegmentSize: 16 << 10, MemTableSize: 1 << 20}
	s := openT(t, crashDir, opts)
	m := keyedModel(t, s)
	const writers, each = 8, 400
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			b := &Batch{}
			for i := range each {
				b.Reset()
				pad := make([]byte, rng.IntN(200))
				b.AddEntry(1, id(uint64(i+1), uint64(w)), fields("w", fmt.Sprint(w), "pad", string(pad)))
				if err := s.Commit(b); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				m.apply(b)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	s.wal.mu.Lock()
	gens, free, retired := s.wal.gen, len(s.wal.free), len(s.wal.retired)
	s.wal.mu.Unlock()
	names, err := fs.List(crashDir)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, n := range names {
		if _, ok := parseWALName(n); ok {
			files++
		}
	}
	t.Logf("%d segment numbers used, %d files (%d spare, %d waiting for a flush)", gens, files, free, retired)
	if gens < 20 {
		t.Fatalf("only %d segments for %d batches of up to 300 bytes in 16 KB segments", gens, writers*each)
	}
	if files > 2+walKeepFree+retired+1 {
		t.Fatalf("%d segment files, want at most the lanes', the spares and the retired ones", files)
	}
	restartMatches(t, s, crashDir, opts, m)
}

// restartMatches stops s as a crash after its last sync would, opens dir
// again and checks it holds what m expects.
func restartMatches(t *testing.T, s *Pebble, dir string, opts Options, m *model) {
	t.Helper()
	crashClose(t, s)
	s = openT(t, dir, opts)
	defer s.Close()
	got, _ := loadT(t, s)
	if d := diff(m.expected(), got); d != "" {
		t.Fatalf("after the restart: %s", d)
	}
}

// TestParseWALSegmentLargeRecordDamaged: damage inside a payload larger
// than the search window behind a stopping point is still found, from the
// length in the damaged record's header.
func TestParseWALSegmentLargeRecordDamaged(t *testing.T) {
	big := make([]byte, 3*walSearch)
	data := appendWALRecord(nil, 7, 1, 0, big)
	data = appendWALRecord(data, 7, 2, uint64(len(data)), []byte("batch 2"))
	data[walHeader+walSearch+10] ^= 1
	if _, err := parseWALSegment(data, 7); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
	// The same record torn (the rest never written): a crash's tail.
	if recs, err := parseWALSegment(data[:walHeader+walSearch], 7); err != nil || len(recs) != 0 {
		t.Fatalf("torn: %d records, %v; want none, no error", len(recs), err)
	}
}
