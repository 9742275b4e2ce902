// Package keyfile reads and writes the key files of courier hosts and the
// gateway: a courier's OPRF key with its validity window, and the Ed25519
// signing key of a courier host or of the gateway (docs/protocol.md §3, §9).
//
// A key file is a small JSON document with a "kind" field, the private
// key in unpadded base64url and, for humans, its public key and kid. It
// is written with mode 0600 and never silently overwritten; loading
// refuses a file that group or others may read, because a key that has
// been readable by others must be treated as leaked.
package keyfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Kinds of key file.
const (
	KindOPRF    = "tg1-oprf-key"
	KindSigning = "tg1-signing-key"
)

// maxFileSize bounds what Load reads: a key file is a few hundred bytes.
const maxFileSize = 64 << 10

// Errors; compare with errors.Is. Save also returns errors wrapping
// fs.ErrExist when the file exists and Overwrite was not given.
var (
	// ErrInsecureFile: the file is readable or writable by group or others.
	ErrInsecureFile = errors.New("key file is accessible to group or others")
	// ErrInvalidFile: the file is not a valid key file of the kind asked.
	ErrInvalidFile = errors.New("invalid key file")
)

// SaveOption changes how a key file is saved.
type SaveOption func(*saveOptions)

type saveOptions struct{ overwrite bool }

// Overwrite lets Save replace an existing file (atomically, by rename).
func Overwrite() SaveOption { return func(o *saveOptions) { o.overwrite = true } }

// write stores data at path with mode 0600. Without Overwrite it fails
// with fs.ErrExist if path exists; with it, the new file is written
// beside path and renamed over it, so a crash never leaves half a key.
func write(path string, data []byte, opts []SaveOption) error {
	var o saveOptions
	for _, opt := range opts {
		opt(&o)
	}
	if !o.overwrite {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("save %s: %w: refusing to overwrite a key (remove it, or ask to overwrite)", path, fs.ErrExist)
			}
			return fmt.Errorf("save %s: %w", path, err)
		}
		if err := finish(f, data); err != nil {
			_ = os.Remove(path)
			return fmt.Errorf("save %s: %w", path, err)
		}
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*") // created 0600
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	if err := finish(f, data); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// ReplaceFile writes data to path with mode 0600, beside it first and
// then renamed over it, so that a crash leaves the old file or the new,
// never half of one: for the state that goes with keys (what a client or
// a witness saw of a key log, the embedded default's identity).
func ReplaceFile(path string, data []byte) error {
	return write(path, data, []SaveOption{Overwrite()})
}

// finish writes data, forces mode 0600 whatever the umask did, syncs and
// closes f.
func finish(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// read returns the contents of a key file after checking its mode.
func read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("load %s: %w: not a regular file", path, ErrInvalidFile)
	}
	// Windows has no Unix permission bits to check.
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("load %s: %w (mode %04o); run: chmod 600 %s", path, ErrInsecureFile, st.Mode().Perm(), path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("load %s: %w: larger than %d bytes", path, ErrInvalidFile, maxFileSize)
	}
	return data, nil
}
