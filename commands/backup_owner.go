package commands

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
)

// Backup ownership. Several servers may share one backup directory, and
// people keep copies of their own in it; "only the latest backup is kept"
// must mean the latest of this store's backups, never anybody else's.
//
// So each store has an identity: a random hex string written once, the
// first time it makes a backup, to storeIDFile in its data directory (not
// a file Pebble knows, so checkpoints leave it out). Every backup carries a
// marker file, backupOwnerFile, holding the identity of the store it was
// taken from, and removeOldBackups deletes only directories whose marker
// names this store. A server started on a backup has no identity file, so
// it makes a new one: its backups and those of the store the backup came
// from are told apart. It also drops the backup's marker at start-up
// (unmarkBackup): the directory is now a live store, which the store it
// came from must never delete as one of its old backups.

const (
	// storeIDFile holds the store's identity, in its data directory.
	storeIDFile = "runnel-store-id"
	// backupOwnerFile holds, in a backup, the identity of its store.
	backupOwnerFile = "runnel-backup-of"
)

// storeID returns the store's identity, reading it from the data
// directory or, the first time, creating it there. Without a data
// directory the identity lasts as long as the process. It must be called
// with saveMu held.
func (s *Server) storeID() (string, error) {
	if s.dur.storeID != "" {
		return s.dur.storeID, nil
	}
	dir := s.dur.storeDir
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, storeIDFile))
		if id := string(bytes.TrimSpace(b)); err == nil && validStoreID(id) {
			s.dur.storeID = id
			return id, nil
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw)
	if dir != "" {
		if err := writeFileDurably(dir, storeIDFile, id+"\n"); err != nil {
			return "", err
		}
	}
	s.dur.storeID = id
	return id, nil
}

// validStoreID reports whether id is an identity storeID writes: 32
// lower-case hex digits.
func validStoreID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// markBackup records in the backup directory dir that store id made it.
func markBackup(dir, id string) error {
	return writeFileDurably(dir, backupOwnerFile, id+"\n")
}

// backupOwner returns the identity recorded in the backup directory dir,
// or "" if it has none (made by hand, by an older runnel, or not finished).
func backupOwner(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, backupOwnerFile))
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// writeFileDurably writes name in dir through a temporary file, renamed
// into place and synced, so that the file is either absent or whole.
func writeFileDurably(dir, name, content string) error {
	tmp := filepath.Join(dir, name+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// unmarkBackup removes the marker of a backup that a server was started on
// (dir, its data directory), durably, so that the store the backup came
// from no longer counts the directory among its backups. It reports
// whether there was a marker.
func unmarkBackup(dir string) (bool, error) {
	if dir == "" {
		return false, nil
	}
	err := os.Remove(filepath.Join(dir, backupOwnerFile))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, syncDir(dir)
}

// sameDir reports whether a and b name the same existing directory.
func sameDir(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}
