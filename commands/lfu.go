package commands

import "math/rand/v2"

// Access frequency, as Redis keeps it for OBJECT FREQ under an LFU
// maxmemory-policy: a logarithmic counter that a lookup raises with a
// probability falling as it grows (lfu-log-factor) and that loses one
// for every lfu-decay-time minutes without access. runnel evicts nothing,
// but tools that look for hot keys read the counter.

// lfuInitVal is a new key's counter, so that a key just created is not
// the coldest at once.
const lfuInitVal = 5

// lfuMinutes is the time in minutes modulo 2^16 that the counter's last
// decrement is stamped with.
func lfuMinutes(nowMs int64) uint16 { return uint16(nowMs / 60000) }

// lfuStart gives o a new key's counter.
func (o *Object) lfuStart(nowMs int64) {
	o.freq, o.freqAt = lfuInitVal, lfuMinutes(nowMs)
}

// lruStart records an access to o under a policy that is not LFU: the
// access time, and in freq and freqAt what Redis's counter reads as
// afterwards. Redis keeps one 24-bit field per key, the LRU clock (Unix
// seconds modulo 2^24) under an LRU policy and the minute stamp and
// counter (16 and 8 bits) under an LFU one, so once the policy turns LFU
// a key last touched under LRU has the clock's low byte for its counter
// and the rest for its stamp. That stamp is almost always minutes away
// from now, so OBJECT FREQ then reads 0 and the first accesses raise the
// counter from there.
func (o *Object) lruStart(nowMs int64) {
	o.access = nowMs
	clock := (nowMs / 1000) & lruClockMask
	o.freq, o.freqAt = uint8(clock), uint16(clock>>8)
}

// lfuAsAccess sets o.access, after a change to the counter under an LFU
// policy, to what Redis's shared field reads as once the policy is LRU
// again: the clock minus the stamp and counter taken for a clock reading
// (modulo 2^24, one second short past the wrap, as Redis counts), in
// seconds of idle time. That is rarely near the truth, and so OBJECT
// IDLETIME says after such a switch.
func (o *Object) lfuAsAccess(nowMs int64) {
	clock := (nowMs / 1000) & lruClockMask
	field := int64(o.freqAt)<<8 | int64(o.freq)
	idle := clock - field
	if clock < field {
		idle = clock + lruClockMask - field
	}
	o.access = nowMs - idle*1000
}

// start gives a new or loaded key the access record Redis gives it under
// the current policy (lfu: an LFU one).
func (o *Object) start(nowMs int64, lfu bool) {
	if lfu {
		o.lfuStart(nowMs)
		o.lfuAsAccess(nowMs)
		return
	}
	o.lruStart(nowMs)
}

// lfuElapsed is the minutes from stamp at to now, both modulo 2^16. Past
// the wrap Redis counts one minute fewer (65535-at+now), and so does this.
func lfuElapsed(now, at uint16) int64 {
	if now >= at {
		return int64(now - at)
	}
	return 65535 - int64(at) + int64(now)
}

// lfuDecayed returns o's counter after the decay due by nowMs, without
// storing it.
func (o *Object) lfuDecayed(nowMs, decayTime int64) uint8 {
	if decayTime <= 0 {
		return o.freq
	}
	periods := lfuElapsed(lfuMinutes(nowMs), o.freqAt) / decayTime
	if periods >= int64(o.freq) {
		return 0
	}
	return o.freq - uint8(periods)
}

// lfuTouch counts an access to o: the decay due first, then a rise by one
// with probability 1/((counter-lfuInitVal)*logFactor+1).
func (o *Object) lfuTouch(nowMs, logFactor, decayTime int64) {
	f := o.lfuDecayed(nowMs, decayTime)
	if f < 255 {
		base := max(int64(f)-lfuInitVal, 0)
		if rand.Float64() < 1/float64(base*logFactor+1) {
			f++
		}
	}
	o.freq, o.freqAt = f, lfuMinutes(nowMs)
	o.lfuAsAccess(nowMs)
}
