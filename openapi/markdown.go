package openapi

import (
	"html/template"
	"regexp"
	"strings"
)

// renderMarkdown renders the small Markdown subset the document's
// descriptions use: paragraphs, "* " lists, indented code blocks, `code`,
// **strong** and *emphasis*. Text is HTML-escaped before any tag is added,
// so the result is safe to put in the page as it is.
func renderMarkdown(s string) template.HTML {
	var b strings.Builder
	for _, block := range splitBlocks(s) {
		switch {
		case isCodeBlock(block):
			b.WriteString("<pre><code>")
			for i, line := range block {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(template.HTMLEscapeString(strings.TrimPrefix(line, "    ")))
			}
			b.WriteString("</code></pre>\n")
		case isListItem(block[0]):
			b.WriteString("<ul>")
			for _, item := range listItems(block) {
				b.WriteString("<li>" + renderInline(item) + "</li>")
			}
			b.WriteString("</ul>\n")
		default:
			b.WriteString("<p>" + renderInline(strings.Join(trimAll(block), " ")) + "</p>\n")
		}
	}
	// Safe: every piece of text above went through HTMLEscapeString.
	return template.HTML(b.String())
}

// splitBlocks splits s into runs of non-blank lines.
func splitBlocks(s string) [][]string {
	var blocks [][]string
	var current []string
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			if current != nil {
				blocks = append(blocks, current)
				current = nil
			}
			continue
		}
		current = append(current, line)
	}
	if current != nil {
		blocks = append(blocks, current)
	}
	return blocks
}

func isCodeBlock(block []string) bool {
	for _, line := range block {
		if !strings.HasPrefix(line, "    ") {
			return false
		}
	}
	return true
}

func isListItem(line string) bool {
	return strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "- ")
}

// listItems joins each item's continuation lines to it.
func listItems(block []string) []string {
	var items []string
	for _, line := range block {
		if isListItem(line) || len(items) == 0 {
			items = append(items, strings.TrimSpace(line[min(2, len(line)):]))
			continue
		}
		items[len(items)-1] += " " + strings.TrimSpace(line)
	}
	return items
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

var (
	strongPattern   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	emphasisPattern = regexp.MustCompile(`\*([^*\s][^*]*)\*`)
	anchorPattern   = regexp.MustCompile(`\[([^\]]+)\]\((#[A-Za-z0-9_-]+)\)`)
)

// renderInline escapes text and marks up `code`, **strong**, *emphasis* and
// anchor links.
// Code spans are taken out first so nothing inside them is marked up.
func renderInline(text string) string {
	var b strings.Builder
	for i, part := range strings.Split(text, "`") {
		escaped := template.HTMLEscapeString(part)
		if i%2 == 1 {
			b.WriteString("<code>" + escaped + "</code>")
			continue
		}
		escaped = anchorPattern.ReplaceAllString(escaped, `<a href="$2">$1</a>`)
		escaped = strongPattern.ReplaceAllString(escaped, "<strong>$1</strong>")
		b.WriteString(emphasisPattern.ReplaceAllString(escaped, "<em>$1</em>"))
	}
	return b.String()
}
