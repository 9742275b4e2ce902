package openapi

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/trackgate/trackgate/docs"
)

// docPage is one document of package docs that the gateway serves as an
// HTML page at /docs/{Name}.
type docPage struct {
	Name  string // the last path segment of the page
	File  string // the Markdown file in docs.Files
	Label string // its link in the pages' navigation
}

// docPages are the documents served, in the order the navigation lists
// them.
var docPages = []docPage{
	{Name: "protocol", File: "protocol.md", Label: "Protocol"},
	{Name: "threat-model", File: "threat-model.md", Label: "Threat model"},
	{Name: "transparency", File: "transparency.md", Label: "Transparency report"},
	{Name: "webhooks", File: "webhooks.md", Label: "Webhooks"},
}

// newMarkdown is the renderer of the documents: GitHub-flavoured Markdown
// (tables above all), headings with GitHub's ids so that links to
// sections work as they do on GitHub, and links between the served
// documents pointing at their pages. Raw HTML in a document is left out
// (goldmark without html.WithUnsafe writes a comment instead), and so are
// links with a dangerous scheme such as javascript:.
func newMarkdown() goldmark.Markdown {
	pages := map[string]string{}
	for _, p := range docPages {
		pages[p.File] = "/docs/" + p.Name
	}
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(pageLinks(pages), 100)),
		),
	)
}

// pageLinks rewrites a link to a served document's file (protocol.md, or
// protocol.md#7-gateway-api) into a link to its page (/docs/protocol,
// /docs/protocol#7-gateway-api). It maps file names to page paths.
type pageLinks map[string]string

// Transform implements parser.ASTTransformer.
func (l pageLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		link, ok := n.(*ast.Link)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		file, fragment, hasFragment := strings.Cut(string(link.Destination), "#")
		if page, served := l[file]; served {
			if hasFragment {
				page += "#" + fragment
			}
			link.Destination = []byte(page)
		}
		return ast.WalkContinue, nil
	})
}

// pageView is what the page template shows.
type pageView struct {
	Title   string
	Current string // the Name of the page shown, "" for the API reference
	Pages   []docPage
	Body    template.HTML
}

// renderedPages renders the documents once per process, however many
// gateways it builds.
var renderedPages = sync.OnceValues(renderPages)

// renderPages renders every document of docPages into a whole HTML page,
// keyed by its Name.
func renderPages() (map[string][]byte, error) {
	md := newMarkdown()
	out := map[string][]byte{}
	for _, p := range docPages {
		source, err := docs.Files.ReadFile(p.File)
		if err != nil {
			return nil, fmt.Errorf("read docs/%s: %w", p.File, err)
		}
		tree := md.Parser().Parse(text.NewReader(source))
		var body bytes.Buffer
		if err := md.Renderer().Render(&body, source, tree); err != nil {
			return nil, fmt.Errorf("render docs/%s: %w", p.File, err)
		}
		title := firstHeading(tree, source)
		if title == "" {
			return nil, fmt.Errorf("docs/%s has no level-1 heading to title its page", p.File)
		}
		var page bytes.Buffer
		view := pageView{Title: title, Current: p.Name, Pages: docPages,
			// goldmark wrote it, with raw HTML left out (see newMarkdown).
			Body: template.HTML(body.String())}
		if err := pageTemplates.ExecuteTemplate(&page, "document", view); err != nil {
			return nil, fmt.Errorf("page of docs/%s: %w", p.File, err)
		}
		out[p.Name] = page.Bytes()
	}
	return out, nil
}

// firstHeading returns the plain text of the document's first level-1
// heading, or "".
func firstHeading(tree ast.Node, source []byte) string {
	var title strings.Builder
	_ = ast.Walk(tree, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok || h.Level != 1 {
			return ast.WalkContinue, nil
		}
		_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering {
				switch t := n.(type) {
				case *ast.Text:
					title.Write(t.Value(source))
				case *ast.String:
					title.Write(t.Value)
				}
			}
			return ast.WalkContinue, nil
		})
		return ast.WalkStop, nil
	})
	return title.String()
}
