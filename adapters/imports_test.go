package adapters

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/trackgate/trackgate"

// TestAdaptersImportNothingOfTheGateway guards the split of the
// database/sql kind: adapters are what a courier implements, the gateway
// what uses them, so no adapter package may depend on the gateway's,
// directly or through another package of ours. Test files may (end-to-end
// tests run an adapter behind a real courier host).
func TestAdaptersImportNothingOfTheGateway(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var pkgs []string
	err = filepath.WalkDir(filepath.Join(root, "adapters"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			pkgs = append(pkgs, module+"/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	g := importGraph{root: root, imports: map[string][]string{}, clean: map[string]bool{}}
	checked := 0
	for _, pkg := range pkgs {
		if !g.load(t, pkg) {
			continue // a folder without Go files of its own, such as adapters/example
		}
		checked++
		if path := g.pathTo(pkg, module+"/gateway"); path != nil {
			t.Errorf("%s imports the gateway: %s", strings.TrimPrefix(pkg, module+"/"), strings.Join(path, " → "))
		}
	}
	if checked < 5 {
		t.Fatalf("only %d adapter packages found under %s; the walk is broken", checked, root)
	}
}

// importGraph holds the non-test imports of this module's packages.
type importGraph struct {
	root    string
	imports map[string][]string // by import path; nil for a folder without Go files
	clean   map[string]bool     // packages known not to reach the prefix
}

// load reads the non-test imports of pkg, a package of this module, and
// reports whether it is a package.
func (g *importGraph) load(t *testing.T, pkg string) bool {
	if imports, ok := g.imports[pkg]; ok {
		return imports != nil
	}
	dir := filepath.Join(g.root, filepath.FromSlash(strings.TrimPrefix(pkg, module)))
	p, err := build.Default.ImportDir(dir, 0)
	if _, none := err.(*build.NoGoError); none {
		g.imports[pkg] = nil
		return false
	}
	if err != nil {
		t.Fatalf("reading the imports of %s: %v", pkg, err)
	}
	g.imports[pkg] = p.Imports // never nil once loaded: ImportDir returns a list
	if g.imports[pkg] == nil {
		g.imports[pkg] = []string{}
	}
	for _, imp := range p.Imports {
		if strings.HasPrefix(imp, module+"/") {
			g.load(t, imp)
		}
	}
	return true
}

// pathTo returns the chain of imports from pkg to a package at or under
// prefix, or nil when there is none.
func (g *importGraph) pathTo(pkg, prefix string) []string {
	if pkg == prefix || strings.HasPrefix(pkg, prefix+"/") {
		return []string{strings.TrimPrefix(pkg, module+"/")}
	}
	if g.clean[pkg] {
		return nil
	}
	g.clean[pkg] = true // also ends a cycle, which Go forbids anyway
	for _, imp := range g.imports[pkg] {
		if !strings.HasPrefix(imp, module+"/") {
			continue
		}
		if rest := g.pathTo(imp, prefix); rest != nil {
			g.clean[pkg] = false
			return append([]string{strings.TrimPrefix(pkg, module+"/")}, rest...)
		}
	}
	return nil
}
