package openapi

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestProtocolPageHasHeadingIDsAndTables(t *testing.T) {
	engine, v := newDocsEngine(t)
	page := get(t, engine, v, "/docs/protocol", nil).Body.String()
	for _, want := range []string{
		"<title>tg1 — the trackgate blind-lookup protocol, revision 2</title>",
		`<h1 id="tg1--the-trackgate-blind-lookup-protocol-revision-2">`,
		`<h2 id="7-gateway-api-v1-json-errors-as-rfc-9457-problemjson">`,
		`<h3 id="76-tenants-and-cors">`,
		"<table>", "<th>party</th>",
		`<a href="/docs/protocol" aria-current="page">Protocol</a>`,
		`<a href="/docs/threat-model">threat-model.md</a>`,
		// Code keeps its angle brackets, escaped.
		"&lt;b64 SHA-256 of the body&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the protocol page lacks %s", want)
		}
	}
}

// TestMarkdownLeavesRawHTMLOut: a document cannot put markup, script or
// a javascript: link on the gateway's pages.
func TestMarkdownLeavesRawHTMLOut(t *testing.T) {
	source := "# Title\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(2)> and <b>bold</b>.\n\n" +
		"[click](javascript:alert(3)) [ok](https://example.com/x)\n\n<div onclick=\"alert(4)\">block</div>\n"
	var out bytes.Buffer
	if err := newMarkdown().Convert([]byte(source), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, banned := range []string{"<script", "<img", "onerror", "<b>", "javascript:", "<div", "onclick"} {
		if strings.Contains(got, banned) {
			t.Errorf("the output has %q:\n%s", banned, got)
		}
	}
	for _, kept := range []string{`<h1 id="title">Title</h1>`, "<!-- raw HTML omitted -->bold", `<a href="https://example.com/x">ok</a>`} {
		if !strings.Contains(got, kept) {
			t.Errorf("the output lacks %q:\n%s", kept, got)
		}
	}
}

func TestPageLinksPointAtTheServedPages(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[p](protocol.md)", `<a href="/docs/protocol">p</a>`},
		{"[p](protocol.md#76-tenants-and-cors)", `<a href="/docs/protocol#76-tenants-and-cors">p</a>`},
		{"[t](threat-model.md#parties-and-assets)", `<a href="/docs/threat-model#parties-and-assets">t</a>`},
		{"[s](#section)", `<a href="#section">s</a>`},
		{"[a](adapters.md)", `<a href="adapters.md">a</a>`},
		{"[x](https://example.com/protocol.md)", `<a href="https://example.com/protocol.md">x</a>`},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if err := newMarkdown().Convert([]byte(tt.in), &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tt.want) {
			t.Errorf("%s renders %q, want %s", tt.in, out.String(), tt.want)
		}
	}
}

// TestEveryLinkOfThePagesLeadsSomewhere: a link of a served document
// goes to a section of itself, to a section of another served document,
// to /docs or /openapi.yaml, or out of the gateway. A link to a file of
// the repository that the gateway does not serve (adapters.md, code)
// fails here until the document links elsewhere or the page is served.
func TestEveryLinkOfThePagesLeadsSomewhere(t *testing.T) {
	pages, err := renderPages()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]map[string]bool{}
	links := map[string][]string{}
	for name, page := range pages {
		ids["/docs/"+name], links[name] = idsAndLinks(t, page)
	}
	served := map[string]bool{"/docs": true, "/openapi.yaml": true, "/docs/assets/docs.css": true,
		"data:,": true} // the empty icon
	for name, hrefs := range links {
		for _, href := range hrefs {
			target, fragment, _ := strings.Cut(href, "#")
			switch {
			case strings.HasPrefix(href, "https://"):
			case target == "" && ids["/docs/"+name][fragment]:
			case ids[target] != nil && (fragment == "" || ids[target][fragment]):
			case served[target] && fragment == "":
			default:
				t.Errorf("/docs/%s links to %q, which leads nowhere on the gateway", name, href)
			}
		}
	}
}

// idsAndLinks lists the ids of a page's elements and the targets of its
// links and style sheets.
func idsAndLinks(t *testing.T, page []byte) (map[string]bool, []string) {
	t.Helper()
	ids := map[string]bool{}
	var links []string
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatalf("parse: %v", z.Err())
			}
			return ids, links
		case html.StartTagToken, html.SelfClosingTagToken:
			for _, a := range z.Token().Attr {
				switch a.Key {
				case "id":
					ids[a.Val] = true
				case "href", "src":
					links = append(links, a.Val)
				}
			}
		}
	}
}

func TestPagesAreTitledByTheirFirstHeading(t *testing.T) {
	pages, err := renderPages()
	if err != nil {
		t.Fatal(err)
	}
	title := regexp.MustCompile(`<title>([^<]+)</title>`)
	want := map[string]string{"protocol": "tg1 — the trackgate blind-lookup protocol, revision 2", "threat-model": "trackgate threat model",
		"transparency": "The transparency report", "webhooks": "Webhooks: being told when a parcel changes"}
	for name, page := range pages {
		if m := title.FindSubmatch(page); m == nil || string(m[1]) != want[name] {
			t.Errorf("/docs/%s is titled %q, want %q", name, m, want[name])
		}
	}
	if len(pages) != len(want) {
		t.Errorf("%d pages rendered, want %d", len(pages), len(want))
	}
}
