package keyfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// KindStatements is the kind of a signing-key statements file.
const KindStatements = "tg1-signing-key-statements"

// StatementsExt ends the name of the statements file beside a signing
// key file: signing.key's are in signing.key.statements. LoadDir, which
// reads *.key, passes over it.
const StatementsExt = ".statements"

// StatementsPath is where the statements of the signing key in keyPath
// are kept.
func StatementsPath(keyPath string) string { return keyPath + StatementsExt }

// statementsFile is the JSON form of a statements file: a courier's
// signing-key statements (docs/protocol.md §8.1), signed notes, from its
// first signing key on, in order.
type statementsFile struct {
	Kind       string   `json:"kind"`
	Statements []string `json:"statements"`
}

// maxStatements bounds a statements file: a courier changes its signing
// key a few times in its life.
const maxStatements = 1000

// SaveStatements writes a courier's signing-key statements to path,
// replacing the file atomically (a new file renamed over it), mode 0600.
// They are public, but they sit beside a key and are kept like one.
func SaveStatements(path string, statements [][]byte) error {
	f := statementsFile{Kind: KindStatements, Statements: make([]string, len(statements))}
	for i, s := range statements {
		f.Statements[i] = string(s)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("save %s: encode: %w", path, err)
	}
	return write(path, append(data, '\n'), []SaveOption{Overwrite()})
}

// LoadStatements reads a statements file written by SaveStatements. A
// missing file is no statements and no error (fs.ErrNotExist is not
// returned): a courier host that never changed its signing key has none.
// It checks the form only; courierhost checks the statements.
func LoadStatements(path string) ([][]byte, error) {
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxFileSize*16+1))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if len(data) > maxFileSize*16 {
		return nil, fmt.Errorf("load %s: %w: larger than %d bytes", path, ErrInvalidFile, maxFileSize*16)
	}
	var f statementsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("load %s: %w: %v", path, ErrInvalidFile, err)
	}
	switch {
	case f.Kind != KindStatements:
		return nil, fmt.Errorf("load %s: %w: kind %q, want %q", path, ErrInvalidFile, f.Kind, KindStatements)
	case len(f.Statements) == 0 || len(f.Statements) > maxStatements:
		return nil, fmt.Errorf("load %s: %w: %d statements, want 1 to %d", path, ErrInvalidFile, len(f.Statements), maxStatements)
	}
	out := make([][]byte, len(f.Statements))
	for i, s := range f.Statements {
		out[i] = []byte(s)
	}
	return out, nil
}
