//go:build !linux

package resp

// Away from Linux a watcher does not watch: it never reports.
const watchSupported = false

func (w *Watcher) run() { close(w.done) }
