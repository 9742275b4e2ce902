package declarative

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/adapters"
)

// spec is a description as written in YAML; see the package
// documentation for what each key means. Leaves that need checking carry
// their line, so that a mistake is reported where it is.
type spec struct {
	Carrier string                `yaml:"carrier"`
	Courier string                `yaml:"courier"`
	BaseURL string                `yaml:"base_url"`
	Timeout duration              `yaml:"timeout"`
	Zone    zoneSpec              `yaml:"zone"`
	Options map[string]optionSpec `yaml:"options"`
	Auth    authSpec              `yaml:"auth"`
	Request requestSpec           `yaml:"request"`
	Errors  errorsSpec            `yaml:"errors"`
	Answer  answerSpec            `yaml:"answer"`
	Status  statusSpec            `yaml:"status"`
	Limits  limitsSpec            `yaml:"limits"`
}

// optionSpec is an option the description takes from the courier host's
// configuration, e.g. an API key.
type optionSpec struct {
	Required bool   `yaml:"required"`
	Default  string `yaml:"default"`
	// Env names an environment variable read when the option is not
	// given, so that a secret need not be written in a file.
	Env string `yaml:"env"`
}

type authSpec struct {
	Header *nameValue `yaml:"header"`
	Query  *nameValue `yaml:"query"`
	OAuth2 *oauthSpec `yaml:"oauth2"`
	Sign   *signSpec  `yaml:"sign"`
}

type nameValue struct {
	Name  string `yaml:"name"`
	Value tmpl   `yaml:"value"`
}

// oauthSpec is OAuth 2.0's client credentials grant (RFC 6749 §4.4).
type oauthSpec struct {
	TokenURL     tmpl   `yaml:"token_url"`
	ClientID     tmpl   `yaml:"client_id"`
	ClientSecret tmpl   `yaml:"client_secret"`
	Scope        string `yaml:"scope"`
	// Credentials says where the client id and secret go: "basic"
	// (HTTP Basic authentication, the default) or "form".
	Credentials string `yaml:"credentials"`
}

// signSpec is a signature over the request, as Chinese carriers ask for:
// a digest of what Over renders, or an HMAC of it with Key.
type signSpec struct {
	Algorithm string `yaml:"algorithm"`
	Key       tmpl   `yaml:"key"`
	Over      tmpl   `yaml:"over"`
	Encoding  string `yaml:"encoding"`
	Header    string `yaml:"header"`
	Query     string `yaml:"query"`
	Form      string `yaml:"form"`
}

type requestSpec struct {
	Method  string          `yaml:"method"`
	URL     tmpl            `yaml:"url"`
	Query   map[string]tmpl `yaml:"query"`
	Headers map[string]tmpl `yaml:"headers"`
	Body    *bodySpec       `yaml:"body"`
}

// bodySpec is a JSON body, whose strings are templates, or a form, whose
// values are templates or {json: …} (a field holding JSON, as SF
// Express's msgData).
type bodySpec struct {
	JSON yaml.Node            `yaml:"json"`
	Form map[string]yaml.Node `yaml:"form"`
}

type errorsSpec struct {
	// HTTP maps a status of an answer to an error class.
	HTTP map[int]errorClass `yaml:"http"`
	// Answer holds jq predicates tried on a 2xx answer, in order.
	Answer []answerError `yaml:"answer"`
}

type answerError struct {
	When  jqExpr     `yaml:"when"`
	Error errorClass `yaml:"error"`
}

type answerSpec struct {
	Shipment jqExpr    `yaml:"shipment"`
	Events   jqExpr    `yaml:"events"`
	Event    eventSpec `yaml:"event"`
	Current  jqExpr    `yaml:"current"`
	ETA      jqExpr    `yaml:"eta"`
	Personal jqExpr    `yaml:"personal"`
	Place    jqExpr    `yaml:"place"`
}

type eventSpec struct {
	Time        jqExpr `yaml:"time"`
	Code        jqExpr `yaml:"code"`
	Description jqExpr `yaml:"description"`
	Classify    jqExpr `yaml:"classify"`
	Location    jqExpr `yaml:"location"`
}

type statusSpec struct {
	Codes   map[string]statusOrKeep `yaml:"codes"`
	Refine  map[string]statusList   `yaml:"refine"`
	Uncoded statusRule              `yaml:"uncoded"`
	Other   otherSpec               `yaml:"other"`

	// The tables by lower-case code, as eventStatus reads them.
	byCode       map[string]statusOrKeep
	refineByCode map[string][]adapters.Status
}

type otherSpec struct {
	Status    tgStatus `yaml:"status"`
	Substatus string   `yaml:"substatus"`
}

type limitsSpec struct {
	Body      int      `yaml:"body"`
	JQTimeout duration `yaml:"jq_timeout"`
	Events    int      `yaml:"events"`
}

// tmpl is a template as written, parsed once the options are known.
type tmpl struct {
	src  string
	line int
	t    template
}

func (t *tmpl) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "want a template (a string)")
	}
	t.src, t.line = n.Value, n.Line
	return nil
}

// errorClass is not_found, unavailable or misconfigured.
type errorClass struct {
	err  error
	line int
}

var errorClasses = map[string]error{
	"not_found":     adapters.ErrNotFound,
	"unavailable":   adapters.ErrUnavailable,
	"misconfigured": adapters.ErrMisconfigured,
}

func (c *errorClass) UnmarshalYAML(n *yaml.Node) error {
	c.err, c.line = errorClasses[n.Value], n.Line
	if n.Kind != yaml.ScalarNode || c.err == nil {
		return lineError(n, fmt.Sprintf("%q is not an error class: use not_found, unavailable or misconfigured", n.Value))
	}
	return nil
}

// tgStatus is a status of the tg1 taxonomy.
type tgStatus adapters.Status

func (s *tgStatus) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || !adapters.Status(n.Value).Valid() {
		return lineError(n, fmt.Sprintf("%q is not a tg1 status: use one of %s", n.Value, statusNames()))
	}
	*s = tgStatus(n.Value)
	return nil
}

// keep is the status of a code that keeps the status before it.
const keep = "keep"

// statusOrKeep is a tg1 status or keep.
type statusOrKeep string

func (s *statusOrKeep) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Value != keep && !adapters.Status(n.Value).Valid() {
		return lineError(n, fmt.Sprintf("%q is not a tg1 status nor keep: use one of %s, keep", n.Value, statusNames()))
	}
	*s = statusOrKeep(n.Value)
	return nil
}

// statusList is a list of tg1 statuses, with its line.
type statusList struct {
	statuses []adapters.Status
	line     int
}

func (l *statusList) UnmarshalYAML(n *yaml.Node) error {
	l.line = n.Line
	var list []tgStatus
	if err := n.Decode(&list); err != nil {
		return err
	}
	for _, s := range list {
		l.statuses = append(l.statuses, adapters.Status(s))
	}
	return nil
}

// byPhrases is the rule of events without a code that reads their text
// (adapters/phrases).
const byPhrases = "phrases"

// statusRule is phrases, keep or a tg1 status.
type statusRule string

func (r *statusRule) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Value != byPhrases && n.Value != keep && !adapters.Status(n.Value).Valid() {
		return lineError(n, fmt.Sprintf("%q is not phrases, keep nor a tg1 status", n.Value))
	}
	*r = statusRule(n.Value)
	return nil
}

// duration is a Go duration such as 10s.
type duration time.Duration

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v <= 0 {
		return lineError(n, fmt.Sprintf("%q is not a positive duration such as 10s", n.Value))
	}
	*d = duration(v)
	return nil
}

// zoneSpec is where a time without an offset is: "place" (the event's
// place, the default) or a fixed zone, "Asia/Shanghai" or "+08:00".
type zoneSpec struct {
	fixed *time.Location
}

func (z *zoneSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "place" {
		return nil
	}
	if t, err := time.Parse("-07:00", n.Value); err == nil {
		_, offset := t.Zone()
		z.fixed = time.FixedZone(n.Value, offset)
		return nil
	}
	loc, err := time.LoadLocation(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || n.Value == "" || n.Value == "Local" {
		return lineError(n, fmt.Sprintf("zone %q is neither place, an IANA zone such as Asia/Shanghai nor an offset such as +08:00", n.Value))
	}
	z.fixed = loc
	return nil
}

// lineError is a mistake in a description at n's line. yaml.v3 gathers
// such errors, so that one load reports them all.
func lineError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}

func statusNames() string {
	s := ""
	for i, st := range adapters.Statuses {
		if i > 0 {
			s += ", "
		}
		s += string(st)
	}
	return s
}
