package main

// What changed between two answers about one parcel, and how it is
// printed: by track --watch after each lookup and by webhook listen
// after each delivery. New events are timeline rows as track prints
// them; a new headline is a line of its own, after an arrow.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/gateway/client"
)

// changes is what a newer result says that an older one did not.
type changes struct {
	handoffs []handoff              // handoffs announced since
	legs     []client.Leg           // legs found since (handoffs followed)
	events   []client.TimelineEvent // events not seen before, oldest first
	headline bool                   // the headline, its reason or its delivery window changed
}

// handoff is a leg's handoff to an onward courier.
type handoff struct {
	from client.Leg
	to   adapters.Handoff
}

func (c changes) empty() bool {
	return len(c.handoffs) == 0 && len(c.legs) == 0 && len(c.events) == 0 && !c.headline
}

// diffResults compares next with prev.
func diffResults(prev, next *client.Result) changes {
	var ch changes
	known := map[string]bool{}
	for _, l := range prev.Legs {
		known[l.Courier+"\x00"+l.View.TrackingNumber] = true
	}
	announced := map[string]bool{}
	for _, l := range prev.Legs {
		for _, h := range l.View.Handoffs {
			announced[l.Courier+"\x00"+h.Courier+"\x00"+h.TrackingNumber] = true
		}
	}
	for _, l := range next.Legs {
		if !known[l.Courier+"\x00"+l.View.TrackingNumber] {
			ch.legs = append(ch.legs, l)
		}
		for _, h := range l.View.Handoffs {
			if !announced[l.Courier+"\x00"+h.Courier+"\x00"+h.TrackingNumber] {
				ch.handoffs = append(ch.handoffs, handoff{l, h})
			}
		}
	}
	seen := map[string]int{}
	for _, e := range prev.Timeline {
		seen[eventKey(e)]++
	}
	for _, e := range next.Timeline {
		if k := eventKey(e); seen[k] > 0 {
			seen[k]--
		} else {
			ch.events = append(ch.events, e)
		}
	}
	ch.headline = !sameHeadline(prev.Headline(), next.Headline())
	return ch
}

// eventKey names an event across lookups: a courier that rewrites an
// event (a corrected place or text) makes it a new one.
func eventKey(e client.TimelineEvent) string {
	loc := ""
	if e.Location != nil {
		loc = e.Location.City + "\x00" + e.Location.Region + "\x00" + e.Location.Country
	}
	return strings.Join([]string{e.Courier, e.Time.UTC().Format(time.RFC3339Nano), string(e.Status), e.Description, loc}, "\x00")
}

func sameHeadline(a, b client.Headline) bool {
	if a.Code != b.Code || a.Courier != b.Courier || a.TrackingNumber != b.TrackingNumber {
		return false
	}
	// A substatus shows only when it has a reason label: a new code
	// without one ("departed_facility" after "arrived_at_facility") does
	// not change the headline a shopper reads.
	reasonA, shownA := client.ReasonLabel(a.Substatus, client.LangEnglish)
	reasonB, shownB := client.ReasonLabel(b.Substatus, client.LangEnglish)
	if shownA != shownB || reasonA != reasonB {
		return false
	}
	return sameETA(a.ETA, b.ETA)
}

func sameETA(a, b *adapters.ETA) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.From.Equal(b.From) && a.To.Equal(b.To)
}

// printChanges writes the new legs, the new events as timeline rows and,
// when it changed, the headline after an arrow (and the delivery window).
func printChanges(w io.Writer, res *client.Result, ch changes, loc *time.Location, lang string) {
	for _, h := range ch.handoffs {
		fmt.Fprintln(w, handoffLine(h.from, h.to, lang))
	}
	for _, l := range ch.legs {
		fmt.Fprintln(w, legLine(l, lang))
	}
	printNewRows(w, res, ch.events, loc, lang)
	if ch.headline {
		h := res.Headline()
		fmt.Fprintln(w, "→ "+headlineText(res, h, lang))
		if h.ETA != nil {
			fmt.Fprintf(w, "→ %s: %s\n", client.ExpectedLabel(lang), formatETA(h.ETA, loc))
		}
	}
}

// legLine is a leg's header in the timeline: its number, courier and
// status, indented by its depth.
func legLine(l client.Leg, lang string) string {
	v := l.View
	header := []string{v.TrackingNumber, courierLabel(l.CourierName, l.Courier), statusLabel(v.Status, lang)}
	return strings.Repeat("  ", l.Depth) + strings.Join(header, " · ")
}

// handoffLine says that leg handed the parcel on, under the leg's line.
func handoffLine(l client.Leg, h adapters.Handoff, lang string) string {
	return fmt.Sprintf("%s  → %s", strings.Repeat("  ", l.Depth), client.HandedOffLabel(printable(h.Courier), printable(h.TrackingNumber), lang))
}

// printEvents writes events as timeline rows, aligned among themselves:
// time, courier (when the parcel has several legs), place, status and
// description.
func printEvents(w io.Writer, events []client.TimelineEvent, several bool, loc *time.Location, lang string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, ev := range events {
		cols := []string{ev.Time.In(loc).Format("2006-01-02 15:04 -07:00")}
		if several {
			cols = append(cols, ev.Courier)
		}
		cols = append(cols, formatLocation(ev.Location), statusCell(ev.Status, lang), printable(client.Description(ev.Description, lang)))
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	_ = tw.Flush()
}

// printNewRows writes the rows of the new events as they stand in the
// whole timeline of res, so that they line up with what was printed
// before.
func printNewRows(w io.Writer, res *client.Result, events []client.TimelineEvent, loc *time.Location, lang string) {
	fresh := map[string]int{}
	for _, e := range events {
		fresh[eventKey(e)]++
	}
	var all bytes.Buffer
	printEvents(&all, res.Timeline, len(res.Legs) > 1, loc, lang)
	rows := strings.SplitAfter(all.String(), "\n")
	for i, e := range res.Timeline {
		if k := eventKey(e); fresh[k] > 0 && i < len(rows) {
			fresh[k]--
			io.WriteString(w, rows[i])
		}
	}
}

// printResultLine writes the --json document of a result on one line, as
// track --watch does at each change.
func printResultLine(w io.Writer, res *client.Result, lang string) error {
	out := newTrackJSON(res, lang)
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
