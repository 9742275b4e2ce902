package keyfile

import (
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Ext is the file name extension of key files; LoadDir reads only these.
const Ext = ".key"

// File is one key file of either kind, as Load reads it.
type File struct {
	Path string
	Kind string // KindOPRF or KindSigning
	// OPRF is set when Kind is KindOPRF, Signing when it is KindSigning.
	OPRF    OPRFKey
	Signing ed25519.PrivateKey
}

// Load reads a key file of either kind, with the checks of LoadOPRF and
// LoadSigning.
func Load(path string) (File, error) {
	data, err := read(path)
	if err != nil {
		return File{}, err
	}
	var head struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return File{}, fmt.Errorf("load %s: %w: %v", path, ErrInvalidFile, err)
	}
	f := File{Path: path, Kind: head.Kind}
	switch head.Kind {
	case KindOPRF:
		f.OPRF, err = decodeOPRF(data)
	case KindSigning:
		f.Signing, err = decodeSigning(data)
	default:
		err = fmt.Errorf("%w: kind %q, want %q or %q", ErrInvalidFile, head.Kind, KindOPRF, KindSigning)
	}
	if err != nil {
		return File{}, fmt.Errorf("load %s: %w", path, err)
	}
	return f, nil
}

// LoadDir reads every key file in dir (not its subdirectories): the
// regular files named *.key, except hidden ones (a temporary file of an
// interrupted save is hidden). Files come sorted by name. One unreadable
// key file fails the whole call: a key directory is not guessed at.
func LoadDir(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read key directory %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, Ext) || e.IsDir() {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	files := make([]File, 0, len(names))
	for _, name := range names {
		f, err := Load(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}
