package resp

import "sync"

// Held replies leave while a batch runs.
//
// A connection with held replies reads ahead: what its client sent meanwhile
// runs before the held replies may leave. A command read that way can be
// slow (DEBUG SLEEP, a huge XRANGE, SAVE), and a reply whose commit became
// durable must not wait for it: Redis sends a reply right after its fsync,
// before it reads the next command. So while such a batch runs the held
// replies are set apart (split): their bytes and holds move out of out and
// holds into held and heldHolds, the batch writes into a fresh out, and when
// the holder wakes the connection a sender goroutine writes the held
// replies that may leave. When the batch ends (or anything needs the whole
// output in order: Flush, a wait for held replies, a discard) join waits
// for the sender and puts what is left of the held replies back in front of
// the batch's.
//
// split and the fields below it are guarded by wmu; the connection's
// goroutine also reads split without it, as only it sets and clears split.
// While split is set the sender may write held[:n] and trim held and
// heldHolds; the connection's goroutine touches neither until join.
type heldSplit struct {
	split bool
	// sending is set while a sender goroutine runs; rewake when a wake-up
	// came while it ran (it looks again before it ends).
	sending, rewake bool
	held            []byte
	heldHolds       []held
	// heldErr is the sender's write error or the holder's error, for join
	// to make the connection's own.
	heldErr, holdErr error
	// splitHolder is the holder of the held replies, which the sender
	// asks (Hold may set holder meanwhile, on the connection's goroutine).
	splitHolder Holder
	// spareOut and spareHolds are the buffers out and holds swap with.
	spareOut   []byte
	spareHolds []held
	sentCond   sync.Cond // signalled when sending is cleared
}

// splitHeld sets the held replies apart before a batch runs behind them,
// and makes sure a wake-up for the oldest of them is registered.
func (c *Conn) splitHeld() {
	c.wmu.Lock()
	c.split = true
	c.splitHolder = c.holder
	c.held, c.out = c.out, c.spareOut[:0]
	c.heldHolds, c.holds = c.holds, c.spareHolds[:0]
	c.spareOut, c.spareHolds = nil, nil
	c.heldBytes.Store(int64(len(c.held)))
	c.outLen.Store(0)
	tok := c.heldHolds[0].token
	register := c.wantWakeLocked(tok)
	c.wmu.Unlock()
	if register && !c.holder.Notify(tok, c.wakeFn) {
		// Ready already (or failed): the sender finds out which.
		c.wmu.Lock()
		c.registered = false
		c.startSenderLocked()
		c.wmu.Unlock()
	}
}

// startSenderLocked starts the sender, or makes the running one look
// again. wmu is held.
func (c *Conn) startSenderLocked() {
	if c.sending {
		c.rewake = true
		return
	}
	c.sending = true
	go c.sendSplit()
}

// sendSplit is the sender: it writes the held replies that may leave, in
// order, and registers a wake-up for the oldest one that may not.
func (c *Conn) sendSplit() {
	ready := c.splitHolder.Ready
	if l, ok := c.splitHolder.(Lander); ok {
		ready = l.Landed
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	refused := 0 // Notify's refusals in a row
	for c.split && len(c.heldHolds) > 0 && c.heldErr == nil && c.holdErr == nil {
		c.rewake = false
		holds := c.heldHolds
		c.wmu.Unlock()
		k, err := readyHolds(ready, holds)
		c.wmu.Lock()
		if err != nil {
			c.holdErr = err // join hands it back to the connection's goroutine
			break
		}
		if k > 0 {
			refused = 0
			end := holds[k-1].end
			if k == len(holds) {
				end = len(c.held) // what follows the last hold leaves with it
			}
			buf := c.held[:end]
			c.wmu.Unlock()
			_, werr := c.write(buf, false)
			c.wmu.Lock()
			c.held = c.held[:copy(c.held, c.held[end:])]
			c.heldBytes.Store(int64(len(c.held)))
			n := copy(c.heldHolds, c.heldHolds[k:])
			c.heldHolds = c.heldHolds[:n]
			for i := range c.heldHolds {
				c.heldHolds[i].end -= end
			}
			if werr != nil {
				c.heldErr = werr
				break
			}
			continue
		}
		if c.rewake {
			continue
		}
		tok := c.heldHolds[0].token
		if !c.wantWakeLocked(tok) {
			break // the wake-up for it will come
		}
		c.wmu.Unlock()
		ok := c.splitHolder.Notify(tok, c.wakeFn)
		c.wmu.Lock()
		if ok {
			if !c.rewake {
				break
			}
			continue
		}
		c.registered = false // ready now (or failed): look again
		if refused++; refused > 1 {
			// Neither ready nor waited for: nobody commits it, and the
			// sender does not lead commits (a Lander's batch may hold the
			// lock a commit needs). The connection's goroutine sends it
			// after the batch, as it did before the split.
			break
		}
	}
	c.sending = false
	c.sentCond.Broadcast()
}

// Lander is implemented by a Holder that can tell whether replies may
// leave without starting what makes them ready (Ready may, and on the
// goroutine that sends held replies while a batch runs that could wait
// for something the batch holds). The sender asks Landed when the holder
// has it.
type Lander interface {
	// Landed is Ready without side effects.
	Landed(token uint64) (bool, error)
}

// readyHolds returns how many of holds, oldest first, may leave by ready.
func readyHolds(ready func(uint64) (bool, error), holds []held) (int, error) {
	k := len(holds)
	for k > 0 {
		ok, err := ready(holds[k-1].token)
		if err != nil {
			return 0, err
		}
		if ok {
			break
		}
		k--
	}
	return k, nil
}

// joinHeld ends a split: it waits for the sender and puts the held replies
// it did not send back in front of the batch's. It does nothing when the
// replies are not split. It runs on the connection's goroutine.
func (c *Conn) joinHeld() {
	if !c.split {
		return
	}
	c.wmu.Lock()
	for c.sending {
		c.sentCond.Wait()
	}
	c.split = false
	held, hh := c.held, c.heldHolds
	c.held, c.heldHolds = nil, nil
	werr, herr := c.heldErr, c.holdErr
	c.heldErr, c.holdErr = nil, nil
	c.heldBytes.Store(0)
	c.wmu.Unlock()
	if werr != nil && c.werr == nil {
		c.werr = werr
	}
	// A holder's error (herr) is not kept: Ready's errors stick, so the
	// next sendHeld meets it again and drops the replies as it always has.
	_ = herr
	if len(held) == 0 {
		c.keepSpare(held, hh)
		c.outLen.Store(int64(len(c.out)))
		return
	}
	// The batch's replies follow what is left of the held ones, and wait
	// for them: holds' tokens must not decrease (sendHeld looks for the
	// last ready one).
	last := uint64(0)
	if len(hh) > 0 {
		last = hh[len(hh)-1].token
	}
	for i := range c.holds {
		c.holds[i].end += len(held)
		c.holds[i].token = max(c.holds[i].token, last)
	}
	batchOut, batchHolds := c.out, c.holds
	c.out = append(held, batchOut...)
	c.holds = append(hh, batchHolds...)
	c.keepSpare(batchOut, batchHolds)
	c.outLen.Store(int64(len(c.out)))
}

// keepSpare keeps out and holds, emptied, for the next split, unless out
// grew larger than a connection keeps.
func (c *Conn) keepSpare(out []byte, holds []held) {
	c.spareOut, c.spareHolds = out[:0], holds[:0]
	if cap(out) > maxKeptOutput {
		released.Add(uint64(cap(out)))
		c.spareOut = nil
	}
}
