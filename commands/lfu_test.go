package commands

import "testing"

func TestLFUDecay(t *testing.T) {
	const minute = 60000
	cases := []struct {
		name             string
		freq             uint8
		at               uint16
		nowMs, decayTime int64
		want             uint8
	}{
		{"same minute", 10, 0, 59999, 1, 10},
		{"one period", 10, 0, minute, 1, 9},
		{"three periods of two minutes", 10, 0, 7 * minute, 2, 7},
		{"decays to zero, not below", 3, 0, 100 * minute, 1, 0},
		{"decay off", 10, 0, 100 * minute, 0, 10},
		// The stamp is minutes modulo 2^16. Past the wrap Redis counts
		// 65535-stamp+now, one minute short: 65535 -> 2 is two minutes.
		{"stamp wraps", 10, 65535, 65538 * minute, 1, 8},
		{"stamp wraps, earlier stamp", 10, 65530, 65540 * minute, 1, 1},
	}
	for _, c := range cases {
		o := &Object{freq: c.freq, freqAt: c.at}
		if got := o.lfuDecayed(c.nowMs, c.decayTime); got != c.want {
			t.Errorf("%s: lfuDecayed = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestLFUTouch(t *testing.T) {
	o := &Object{}
	o.lfuStart(0)
	if o.freq != lfuInitVal {
		t.Fatalf("new key's counter %d, want %d", o.freq, lfuInitVal)
	}
	o.lfuTouch(0, 10, 1)
	if o.freq != lfuInitVal+1 {
		t.Fatalf("first access: counter %d, want %d (certain below the initial value + 1)", o.freq, lfuInitVal+1)
	}
	// Further rises get rarer: 10,000 accesses with log factor 10 leave
	// the counter far below 255, with log factor 0 every access counts.
	for range 10000 {
		o.lfuTouch(0, 10, 1)
	}
	if o.freq < 30 || o.freq > 80 {
		t.Errorf("after 10,000 accesses (log factor 10): counter %d, want a logarithmic 30..80 (about 50)", o.freq)
	}
	o.freq = 250
	for range 10 {
		o.lfuTouch(0, 0, 1)
	}
	if o.freq != 255 {
		t.Errorf("log factor 0: counter %d, want it to stop at 255", o.freq)
	}
	// A touch applies the decay due first and restamps.
	o.freq, o.freqAt = 20, 0
	o.lfuTouch(5*60000, 1<<30, 1)
	if o.freq != 15 || o.freqAt != 5 {
		t.Errorf("touch after 5 idle minutes: counter %d at minute %d, want 15 at 5", o.freq, o.freqAt)
	}
}

// TestLFUAfterLRUAccess checks a key last touched under an LRU policy, as
// Redis 7.0.15 shows it once the policy turns LFU: OBJECT FREQ 0 (XADD,
// XLEN, CONFIG SET maxmemory-policy allkeys-lfu, OBJECT FREQ gave 0), and
// with lfu-log-factor 0 two accesses make it 2.
func TestLFUAfterLRUAccess(t *testing.T) {
	// 2026-12-04 02:00:00 UTC: the clock's low byte (the counter) is 160
	// and its other 16 bits (the stamp) are minutes away from now.
	const now = 1796349600000
	o := &Object{}
	o.start(now, false)
	if o.access != now {
		t.Fatalf("access %d, want %d", o.access, now)
	}
	if got := o.lfuDecayed(now, 1); got != 0 {
		t.Fatalf("counter after an LRU access = %d (raw %d at minute %d), want 0", got, o.freq, o.freqAt)
	}
	o.lfuTouch(now, 0, 1)
	o.lfuTouch(now, 0, 1)
	if got := o.lfuDecayed(now, 1); got != 2 {
		t.Errorf("after two accesses with log factor 0: counter %d, want 2", got)
	}
	// The LRU access restores Redis's view of the shared field.
	o.lruStart(now + 1000)
	if got := o.lfuDecayed(now+1000, 1); got != 0 {
		t.Errorf("counter after a second LRU access = %d, want 0", got)
	}
	// Decay off: nothing is subtracted, so the clock's low byte shows.
	if got, want := o.lfuDecayed(now+1000, 0), uint8(((now+1000)/1000)%256); got != want {
		t.Errorf("decay off: counter %d, want the clock's low byte %d", got, want)
	}
	o.start(now, true)
	if o.freq != lfuInitVal || o.freqAt != lfuMinutes(now) {
		t.Errorf("a key made under LFU: counter %d at minute %d, want %d at %d", o.freq, o.freqAt, lfuInitVal, lfuMinutes(now))
	}
}

// TestLRUAfterLFUAccess checks the other way: a key last touched under an
// LFU policy reads, once the policy is LRU again, as Redis reads its
// field: (clock - (stamp<<8 | counter)) seconds idle, past the clock's wrap
// clock + 2^24-1 - field. Redis 7.0.15 and runnel, asked in the same
// second (XADD and XLEN under allkeys-lfu, then allkeys-lru), both
// answered OBJECT IDLETIME 3946764.
func TestLRUAfterLFUAccess(t *testing.T) {
	// 2026-12-04 02:00:00 UTC: clock 1187488, a new key's field
	// 54744<<8 | 5 = 14014469, above the clock.
	const now = 1796349600000
	o := &Object{}
	o.start(now, true)
	if idle := (now - o.access) / 1000; idle != 1187488+lruClockMask-14014469 {
		t.Errorf("a new key under LFU reads %d s idle under LRU, want %d", idle, 1187488+lruClockMask-14014469)
	}
	// A field below the clock: plain difference.
	o.freq, o.freqAt = 7, 100
	o.lfuAsAccess(now)
	if idle, want := (now-o.access)/1000, int64(1187488-(100<<8|7)); idle != want {
		t.Errorf("field below the clock: %d s idle, want %d", idle, want)
	}
	// A touch under LFU restamps the field and the access with it.
	o.lfuTouch(now+60000, 1<<30, 0)
	if idle, want := (now+60000-o.access)/1000, int64(1187548+lruClockMask-(54745<<8|7)); idle != want {
		t.Errorf("after an LFU touch: %d s idle, want %d", idle, want)
	}
}
