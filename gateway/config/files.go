package config

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/trackgate/trackgate/gateway/keyfile"
)

// dirOf is the directory relative paths in the file at path start from.
func dirOf(path string) string { return filepath.Dir(path) }

// resolve makes a relative path start from dir, the configuration file's
// directory, so a file and its keys can move together.
func resolve(dir, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// loadSigningKey loads the Ed25519 signing key file named by field.
func loadSigningKey(field, path string) (ed25519.PrivateKey, error) {
	f, err := keyfile.Load(path)
	if err != nil {
		return nil, keyFileError(field, path, err, "signing")
	}
	if f.Kind != keyfile.KindSigning {
		return nil, fieldErr(field, "%s is an OPRF key; give the signing key file (signing.key) here", path)
	}
	return f.Signing, nil
}

// keyFileError explains why a key file did not load, with the fix.
func keyFileError(field, path string, err error, kind string) error {
	var problem string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		problem = fmt.Sprintf("%s does not exist; make it with 'trackgate keys gen --out DIR --kind %s', or correct the path", path, kind)
	case errors.Is(err, keyfile.ErrInvalidFile):
		problem = err.Error() + "; give a key file written by 'trackgate keys gen'"
	default:
		problem = err.Error() // ErrInsecureFile's text carries its chmod fix
	}
	return &FieldError{Field: field, Problem: problem, Err: err}
}

// checkURL checks a base URL of a gateway or courier host.
func checkURL(field, s string) error {
	if s == "" {
		return fieldErr(field, "missing; give the base URL, such as https://tg1.courier.example")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fieldErr(field, "%q is not an http:// or https:// base URL without user, query or fragment, such as https://tg1.courier.example", s)
	}
	return nil
}

// checkOutboxDir checks that the outbox file can be created where path
// says: its directory exists.
func checkOutboxDir(field, path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return fieldErr(field, "the directory %s does not exist; create it (mode 0700) for the outbox file", dir)
	}
	return nil
}
