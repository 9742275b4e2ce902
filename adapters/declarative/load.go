package declarative

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trackgate/trackgate/adapters"
	"github.com/trackgate/trackgate/adapters/carrierhttp"
	"github.com/trackgate/trackgate/crypto"
)

// Description is a carrier's API described in YAML, loaded and checked:
// its templates parsed and its jq expressions compiled. It is immutable
// and safe for concurrent use.
type Description struct {
	name    string // the file, for errors
	spec    spec
	url     template
	query   []namedTemplate
	headers []namedTemplate
	body    *requestBody
	auth    compiledAuth
	limits  limits
}

type namedTemplate struct {
	name string
	t    template
}

type compiledAuth struct {
	header, query *namedTemplate
	oauth         *oauthTemplates
	sign          *signer
}

type oauthTemplates struct {
	tokenURL, clientID, clientSecret template
	scope                            string
	inForm                           bool
}

// defaultTokenLife is how long a token whose answer has no expires_in is
// used.
const defaultTokenLife = 10 * time.Minute

type limits struct {
	body      int64
	jqTimeout time.Duration
	events    int
}

// Defaults and bounds of a description's limits.
const (
	defaultBody      = 1 << 20
	maxBody          = 16 << 20
	defaultJQTimeout = time.Second
	defaultEvents    = 500
	maxEvents        = 1000
)

//go:embed carriers/*.yaml
var embedded embed.FS

// Carriers lists the descriptions built into the adapter, by the name
// the option "carrier" takes.
func Carriers() []string {
	entries, _ := fs.ReadDir(embedded, "carriers")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return names
}

// Carrier loads the built-in description of a carrier.
func Carrier(name string) (*Description, error) {
	data, err := embedded.ReadFile(path.Join("carriers", name+".yaml"))
	if err != nil || strings.ContainsAny(name, "/\\.") {
		return nil, fmt.Errorf("no built-in description of carrier %q; built in: %s", name, strings.Join(Carriers(), ", "))
	}
	return Load("carriers/"+name+".yaml", data)
}

// LoadFile loads the description in a YAML file.
func LoadFile(file string) (*Description, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the description: %w", err)
	}
	return Load(file, data)
}

// Load reads and checks a description; name (its file) prefixes its
// errors. Every mistake found is reported with its line: an unknown key,
// a jq syntax error, a status outside the tg1 taxonomy, a request that
// never sends the tracking number, a template naming an option that is
// not declared.
func Load(name string, data []byte) (*Description, error) {
	d := &Description{name: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d.spec); err != nil {
		return nil, fmt.Errorf("%s: %w", name, describeYAMLError(err))
	}
	var c checker
	d.check(&c)
	if len(c.problems) > 0 {
		return nil, fmt.Errorf("%s: %s", name, strings.Join(c.problems, "; "))
	}
	return d, nil
}

// unknownField is yaml.v3's text for a key the description has no place
// for, which names a Go type.
var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

func describeYAMLError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	lines := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		lines[i] = unknownField.ReplaceAllString(e, "unknown key $1")
	}
	return errors.New(strings.Join(lines, "; "))
}

// checker gathers a description's problems.
type checker struct{ problems []string }

func (c *checker) add(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	c.problems = append(c.problems, msg)
}

// reservedOptions are the options of the adapter itself.
var reservedOptions = []string{"file", "carrier", "courier", "base_url", "timeout", "watchlist", "poll"}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (d *Description) check(c *checker) {
	s := &d.spec
	if s.Carrier == "" {
		c.add(0, "carrier: the carrier's name is required")
	}
	if err := crypto.CheckCourierID(d.courier()); err != nil {
		c.add(0, "courier: %v", err)
	}
	if _, err := carrierhttp.BaseURL(s.BaseURL); err != nil {
		c.add(0, "base_url: %v", err)
	}
	for _, name := range sortedKeys(s.Options) {
		o := s.Options[name]
		switch {
		case slices.Contains(reservedOptions, name) || strings.HasSuffix(name, "_env"):
			c.add(0, "options: %q is taken by the adapter (reserved: %s, and names ending in _env)", name, strings.Join(reservedOptions, ", "))
		case o.Env != "" && !envName.MatchString(o.Env):
			c.add(0, "options.%s.env: %q is not an environment variable's name", name, o.Env)
		case o.Required && o.Default != "":
			c.add(0, "options.%s: a required option has no default", name)
		}
	}
	d.checkRequest(c)
	d.checkAuth(c)
	for code := range s.Errors.HTTP {
		if code < 100 || code > 599 || code/100 == 2 {
			c.add(0, "errors.http: %d is not an HTTP status that is an error", code)
		}
	}
	d.checkAnswer(c)
	d.checkStatus(c)
	d.limits = limits{body: defaultBody, jqTimeout: defaultJQTimeout, events: defaultEvents}
	if l := s.Limits; l.Body != 0 {
		if l.Body < 0 || l.Body > maxBody {
			c.add(0, "limits.body: %d is not a size in bytes up to %d", l.Body, maxBody)
		}
		d.limits.body = int64(l.Body)
	}
	if s.Limits.JQTimeout != 0 {
		d.limits.jqTimeout = time.Duration(s.Limits.JQTimeout)
	}
	if l := s.Limits; l.Events != 0 {
		if l.Events < 0 || l.Events > maxEvents {
			c.add(0, "limits.events: %d is not a number of events up to %d", l.Events, maxEvents)
		}
		d.limits.events = l.Events
	}
}

// courier is the courier id views carry unless the options name another.
func (d *Description) courier() string {
	if d.spec.Courier != "" {
		return d.spec.Courier
	}
	return d.spec.Carrier
}

func (d *Description) parse(c *checker, field string, t tmpl, scope placeholderScope) template {
	p, err := parseTemplate(t.src, scope, d.spec.Options)
	if err != nil {
		c.add(t.line, "%s: %v", field, err)
	}
	return p
}

func (d *Description) checkRequest(c *checker) {
	r := &d.spec.Request
	switch r.Method {
	case "":
		r.Method = "GET"
		if r.Body != nil {
			r.Method = "POST"
		}
	case "GET", "POST":
	default:
		c.add(0, "request.method: %q is not GET or POST", r.Method)
	}
	if r.URL.src == "" {
		c.add(0, "request.url is required, e.g. \"{base_url}/track/{number}\"")
	} else if !strings.HasPrefix(r.URL.src, "{base_url}") && !strings.HasPrefix(r.URL.src, "https://") && !strings.HasPrefix(r.URL.src, "http://") {
		c.add(r.URL.line, "request.url: %q must start with {base_url} or an http(s) URL", r.URL.src)
	} else if strings.ContainsAny(r.URL.src, "?#") {
		c.add(r.URL.line, "request.url: %q has a query or fragment; put query parameters under request.query", r.URL.src)
	}
	d.url = d.parse(c, "request.url", r.URL, scopeRequest)
	sendsNumber := d.url.uses("number")
	for _, name := range sortedKeys(r.Query) {
		t := d.parse(c, "request.query."+name, r.Query[name], scopeRequest)
		d.query = append(d.query, namedTemplate{name, t})
		sendsNumber = sendsNumber || t.uses("number")
	}
	for _, name := range sortedKeys(r.Headers) {
		t := d.parse(c, "request.headers."+name, r.Headers[name], scopeRequest)
		d.headers = append(d.headers, namedTemplate{name, t})
	}
	if b := r.Body; b != nil {
		if r.Method == "GET" {
			c.add(0, "request.body: a GET request has no body; set request.method: POST")
		}
		d.body = &requestBody{}
		switch {
		case (b.JSON.Kind == 0) == (b.Form == nil):
			c.add(0, "request.body: give exactly one of json and form")
		case b.JSON.Kind != 0:
			d.body.json = d.jsonValue(c, "request.body.json", &b.JSON)
			sendsNumber = sendsNumber || d.body.json.uses("number")
		default:
			for _, name := range sortedKeys(b.Form) {
				f := d.formField(c, name, b.Form[name])
				d.body.form = append(d.body.form, f)
				sendsNumber = sendsNumber || f.t.uses("number") || f.json.uses("number")
			}
		}
	}
	if !sendsNumber && r.URL.src != "" {
		c.add(r.URL.line, "request: the tracking number {number} is sent nowhere: put it in request.url, request.query or request.body")
	}
}

func (d *Description) checkAuth(c *checker) {
	a := &d.spec.Auth
	for _, nv := range []struct {
		field string
		v     *nameValue
		dst   **namedTemplate
	}{{"auth.header", a.Header, &d.auth.header}, {"auth.query", a.Query, &d.auth.query}} {
		if nv.v == nil {
			continue
		}
		if nv.v.Name == "" || nv.v.Value.src == "" {
			c.add(nv.v.Value.line, "%s needs name and value", nv.field)
		}
		*nv.dst = &namedTemplate{nv.v.Name, d.parse(c, nv.field+".value", nv.v.Value, scopeRequest)}
	}
	if o := a.OAuth2; o != nil {
		if o.TokenURL.src == "" || o.ClientID.src == "" || o.ClientSecret.src == "" {
			c.add(0, "auth.oauth2 needs token_url, client_id and client_secret")
		}
		if o.Credentials != "" && o.Credentials != "basic" && o.Credentials != "form" {
			c.add(0, "auth.oauth2.credentials: %q is not basic or form", o.Credentials)
		}
		d.auth.oauth = &oauthTemplates{
			tokenURL:     d.parse(c, "auth.oauth2.token_url", o.TokenURL, scopeToken),
			clientID:     d.parse(c, "auth.oauth2.client_id", o.ClientID, scopeToken),
			clientSecret: d.parse(c, "auth.oauth2.client_secret", o.ClientSecret, scopeToken),
			scope:        o.Scope,
			inForm:       o.Credentials == "form",
		}
	}
	if s := a.Sign; s != nil {
		d.auth.sign = d.checkSign(c, s)
	}
}

func (d *Description) checkAnswer(c *checker) {
	a := &d.spec.Answer
	for _, req := range []struct {
		field string
		e     *jqExpr
	}{{"answer.events", &a.Events}, {"answer.event.time", &a.Event.Time}, {"answer.event.description", &a.Event.Description}} {
		if !req.e.set() {
			c.add(0, "%s is required", req.field)
		}
	}
}

func (d *Description) checkStatus(c *checker) {
	s := &d.spec.Status
	s.byCode, s.refineByCode = map[string]statusOrKeep{}, map[string][]adapters.Status{}
	for _, code := range sortedKeys(s.Codes) {
		lower := strings.ToLower(strings.TrimSpace(code))
		if _, dup := s.byCode[lower]; dup || lower == "" {
			c.add(0, "status.codes: %q is empty or given twice (codes are compared without regard to case)", code)
		}
		s.byCode[lower] = s.Codes[code]
	}
	for _, code := range sortedKeys(s.Refine) {
		lower := strings.ToLower(strings.TrimSpace(code))
		if _, ok := s.byCode[lower]; !ok {
			c.add(s.Refine[code].line, "status.refine: %q is not a code of status.codes", code)
		}
		s.refineByCode[lower] = s.Refine[code].statuses
	}
	if s.Uncoded == "" {
		s.Uncoded = byPhrases
	}
	if s.Other.Status == "" {
		s.Other.Status = tgStatus("in_transit")
	}
	if sub := strings.ReplaceAll(s.Other.Substatus, "{code}", ""); !substatusChars.MatchString(sub) {
		c.add(0, "status.other.substatus: %q may hold only letters, digits, _ . : - and {code}", s.Other.Substatus)
	}
}

// substatusChars are the characters of a substatus (as the webhook
// adapter takes them): a code, never free text.
var substatusChars = regexp.MustCompile(`^[A-Za-z0-9_.:-]{0,64}$`)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
