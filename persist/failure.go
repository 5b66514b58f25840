package persist

import (
	"fmt"
	"time"
)

// A store fails for good on its first write, sync or background error (a
// full disk, an I/O error, a removed directory): every later Apply is
// refused, so that nothing is acknowledged that could then be lost. This
// file holds how the failure is recorded and how the store's waits on
// Pebble end once it happened.

// fail records the store's first failure and returns the error every later
// Apply gets.
func (s *Pebble) fail(err error) error {
	e := fmt.Errorf("%w: %v", ErrFailed, err)
	if s.failed.CompareAndSwap(nil, &e) {
		close(s.failedCh)
		s.log.Errorf("store failed, refusing further writes: %v", err)
		return e
	}
	return *s.failed.Load()
}

// flush makes every batch applied so far durable in tables. It returns
// the store's failure instead once the store has failed, also while the
// flush is still under way: Pebble retries a flush that failed (a full
// disk, a removed directory) for as long as it is open, and a caller
// waiting for that one to end would wait for ever. The failure of a flush
// reaches the store through Pebble's BackgroundError listener (Open).
func (s *Pebble) flush() error {
	if p := s.failed.Load(); p != nil {
		return *p
	}
	done, err := s.db.AsyncFlush()
	if err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-s.failedCh:
		select {
		case <-done: // it ended after all
			return nil
		default:
		}
		return *s.failed.Load()
	}
}

// retryPause is how long a background job of Pebble's that failed again
// after the store failed waits before Pebble retries it.
const retryPause = 250 * time.Millisecond

// slowRetry pauses the Pebble goroutine that reported a background error
// again after the store failed, until retryPause passed or Close began.
// Pebble retries a failed flush at once and for as long as it is open
// (nothing can stop it but closing the DB, which Close does), so a store
// failed by a full disk would otherwise spin a core on the retries until
// shutdown. The pause holds Pebble's mutex (Pebble reports a flush's
// error under it): what waits on it meanwhile (Metrics, for DiskUsage) is
// delayed by at most retryPause, and Close is not.
func (s *Pebble) slowRetry() {
	t := time.NewTimer(retryPause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.stop:
	}
}
