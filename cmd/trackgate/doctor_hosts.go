package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/trackgate/trackgate/crypto"
	"github.com/trackgate/trackgate/gateway/api"
	"github.com/trackgate/trackgate/gateway/config"
	"github.com/trackgate/trackgate/gateway/courierhost"
	"github.com/trackgate/trackgate/gateway/problem"
	"github.com/trackgate/trackgate/gateway/signing"
)

// The checks of a courier's hosts, asked over HTTP as the gateway asks
// them: signed with the gateway's key, every answer verified under the
// courier's registered key. Only /healthz, the key list and buckets are
// read; all of them are public or sealed.

// maxProbeAnswer bounds what doctor reads of an answer; a bucket of a
// pull host with few bucket bits may be large, and only its status
// matters.
const maxProbeAnswer = 16 << 20

// probe is one courier host being checked.
type probe struct {
	d       *doctor
	i       int // the courier's index in the gateway's file
	entry   config.CourierEntry
	url     string
	subject string
	client  *http.Client
	signer  *signing.Signer
	key     []byte // the courier's registered signing key
}

// hostAnswer is a host's answer, read and with its signature checked.
type hostAnswer struct {
	status      int
	header      http.Header
	body        []byte
	verified    bool // signed by the courier's registered key, for this request
	problemType string
	detail      string // the problem's detail, when the answer is one
}

func (d *doctor) checkCourier(ctx context.Context, i int) {
	entry := d.gw.Couriers[i]
	signer := d.gw.Signer(entry.ID)
	signer.Now = d.e.now
	var served [][]string // kids per replica that answered
	for _, h := range entry.Hosts {
		p := &probe{
			d: d, i: i, entry: entry, url: strings.TrimRight(h, "/"), subject: "courier " + entry.ID + " at " + h,
			client: d.gw.CourierHTTPClient(), signer: signer, key: d.gw.CourierPublicKey(i),
		}
		p.client.Timeout = d.timeout
		if kids, ok := p.run(ctx); ok {
			served = append(served, kids)
		}
	}
	if len(served) > 1 {
		for _, kids := range served[1:] {
			if !slices.Equal(kids, served[0]) {
				d.report.problem("courier "+entry.ID, "replicas", fmt.Sprintf("its hosts serve different OPRF keys (%v): the gateway uses only the replicas that serve the keys most serve.", served),
					"Give every replica the same key files, and restart the ones that differ.")
				return
			}
		}
		d.report.ok("courier "+entry.ID, "replicas", "its %d hosts serve the same OPRF keys", len(served))
	}
}

// run checks the host and returns the kids it serves, when it serves them.
func (p *probe) run(ctx context.Context) ([]string, bool) {
	if !p.reachable(ctx) {
		return nil, false
	}
	keys, ok := p.keys(ctx)
	if !ok {
		return nil, false
	}
	p.mode(ctx)
	return keys, true
}

// reachable asks /healthz, unsigned, and checks TLS and the clock on the
// way.
func (p *probe) reachable(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/healthz", nil)
	if err != nil {
		p.d.report.problem(p.subject, "reachable", fmt.Sprintf("%s is not a URL: %v.", p.url, err), p.fixHost())
		return false
	}
	resp, err := p.client.Do(req)
	if err != nil {
		if p.tlsFailure(err) {
			return false
		}
		p.d.report.problem(p.subject, "reachable", fmt.Sprintf("no answer: %v.", unwrapURLError(err)), p.fixHost())
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxProbeAnswer))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.d.report.problem(p.subject, "reachable", fmt.Sprintf("/healthz answered HTTP %d: this is not a trackgate courier host, or it is unwell.", resp.StatusCode), p.fixHost())
		return false
	}
	p.d.report.ok(p.subject, "reachable", "/healthz answers")
	p.tls(resp)
	p.clock(resp.Header.Get("Date"))
	return true
}

func (p *probe) fixHost() string {
	return fmt.Sprintf("Start the host (trackgate courier --config ITS-FILE), or correct couriers[%d].host in %s to the URL it serves at.", p.i, p.d.gwFile)
}

// tlsFailure reports a failed TLS handshake, if err is one.
func (p *probe) tlsFailure(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		p.d.report.problem(p.subject, "tls", fmt.Sprintf("the host's certificate has expired: %v.", invalid),
			"Renew the certificate of the host's tls.cert_file and restart it.")
	case errors.As(err, &unknownCA):
		p.d.report.problem(p.subject, "tls", "the host's certificate is not signed by a CA the gateway trusts.",
			fmt.Sprintf("Give the CA that issued it as courier_tls.ca_file in %s, or give the host a certificate from a public CA.", p.d.gwFile))
	case errors.As(err, &hostname):
		p.d.report.problem(p.subject, "tls", fmt.Sprintf("the host's certificate is not for this address: %v.", hostname),
			fmt.Sprintf("Use a certificate whose names include %s, or reach the host by a name its certificate holds (couriers[%d].host).", hostname.Host, p.i))
	case errors.As(err, &verify):
		p.d.report.problem(p.subject, "tls", fmt.Sprintf("the host's certificate does not verify: %v.", verify.Err),
			fmt.Sprintf("Give the host a valid certificate, or its CA as courier_tls.ca_file in %s.", p.d.gwFile))
	case errors.As(err, &record):
		p.d.report.problem(p.subject, "tls", "the host does not speak TLS at this https:// URL.",
			fmt.Sprintf("Give the host a tls section (or a TLS proxy in front), or reach it over http:// on loopback (couriers[%d].host).", p.i))
	default:
		return false
	}
	return true
}

// tls checks the transport of an answer: https with a certificate not
// about to expire, or plain http on loopback (the only place the gateway's
// file allows it).
func (p *probe) tls(resp *http.Response) {
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		p.d.report.ok(p.subject, "tls", "plain HTTP on loopback (https:// is required anywhere else)")
		return
	}
	cert := resp.TLS.PeerCertificates[0]
	left := cert.NotAfter.Sub(p.d.e.now())
	if left < p.d.expiring {
		p.d.report.problem(p.subject, "tls", fmt.Sprintf("the host's certificate expires on %s, in %s.", cert.NotAfter.UTC().Format(time.RFC3339), roundDays(left)),
			"Renew the certificate of the host's tls.cert_file and restart it before then.")
		return
	}
	p.d.report.ok(p.subject, "tls", "certificate for %s trusted, valid until %s", strings.Join(cert.DNSNames, ", "), cert.NotAfter.UTC().Format(time.RFC3339))
}

// clock compares the host's Date with this machine's clock.
func (p *probe) clock(date string) {
	at, err := http.ParseTime(date)
	if err != nil {
		p.d.report.problem(p.subject, "clock", "the host's answer has no Date header to read its clock from.",
			"Answer with a Date header, as net/http does, or check the host's clock by hand.")
		return
	}
	skew := at.Sub(p.d.e.now())
	if skew.Abs() > crypto.SignatureWindow {
		p.d.report.problem(p.subject, "clock", fmt.Sprintf("the host's clock is %s %s of this machine's, beyond the %d s window of signed requests: each refuses the other's requests.",
			skew.Abs().Round(time.Second), aheadOrBehind(skew), int(crypto.SignatureWindow.Seconds())),
			"Synchronise the clocks of the host and the gateway (NTP, e.g. systemd-timesyncd or chrony).")
		return
	}
	p.d.report.ok(p.subject, "clock", "%s from this machine's (signed requests allow %d s)", skew.Abs().Round(time.Second), int(crypto.SignatureWindow.Seconds()))
}

func aheadOrBehind(d time.Duration) string {
	if d > 0 {
		return "ahead"
	}
	return "behind"
}

// keys asks the signed /tg1/keys: the answer's signature checks the
// courier's registered key, its status that the host takes the
// gateway's, its body the OPRF keys.
func (p *probe) keys(ctx context.Context) ([]string, bool) {
	a, err := p.signed(ctx, "/tg1/keys", 64<<10)
	if err != nil {
		p.d.report.problem(p.subject, "signing key", fmt.Sprintf("a signed GET /tg1/keys got no answer: %v.", err), p.fixHost())
		return nil, false
	}
	if !a.verified {
		p.d.report.problem(p.subject, "signing key", fmt.Sprintf("the host's answers do not verify under couriers[%d].public_key for courier %s: it signs with another key, or runs as another courier.", p.i, p.entry.ID),
			fmt.Sprintf("Set couriers[%d].public_key in %s to the public half of the host's signing_key ('trackgate keys show' on it), and check that the host's courier is %s.", p.i, p.d.gwFile, p.entry.ID))
		return nil, false
	}
	p.d.report.ok(p.subject, "signing key", "answers verify under couriers[%d].public_key", p.i)
	switch {
	case a.status == http.StatusUnauthorized && strings.Contains(a.detail, "TG-Timestamp"):
		p.d.report.problem(p.subject, "gateway key", fmt.Sprintf("the host refuses the gateway's requests as too old or too new: its clock and this machine's are more than %d s apart.", int(crypto.SignatureWindow.Seconds())),
			"Synchronise the clocks of the host and the gateway (NTP).")
		return nil, false
	case a.status == http.StatusUnauthorized:
		p.d.report.problem(p.subject, "gateway key", fmt.Sprintf("the host refuses the gateway's signed requests (%s).", strings.TrimSuffix(a.detail, ".")),
			fmt.Sprintf("Set gateway.public_key in the host's file to %s (the gateway's signing key) and restart the host.", crypto.EncodeB64(p.d.gw.SigningPublicKey())))
		return nil, false
	case a.status != http.StatusOK:
		p.d.report.problem(p.subject, "gateway key", fmt.Sprintf("a signed GET /tg1/keys answered HTTP %d (%s).", a.status, a.detail), "See the host's log.")
		return nil, false
	}
	p.d.report.ok(p.subject, "gateway key", "the host accepts the gateway's signed requests")
	var list api.KeysResponse
	if err := json.Unmarshal(a.body, &list); err != nil {
		p.d.report.problem(p.subject, "oprf keys", "the key list is not JSON of the tg1 form.", "See the host's log; is it a trackgate courier host?")
		return nil, false
	}
	kids := p.checkKeys(list.Keys)
	return kids, true
}

// checkKeys checks that a key serves now and for --expiring, and that
// the host serves the keys its file holds, when the file was given.
func (p *probe) checkKeys(keys []api.Key) []string {
	now := p.d.e.now()
	var kids []string
	var current *api.Key
	last := time.Time{}
	for i, k := range keys {
		kids = append(kids, k.KeyID)
		if !now.Before(k.NotBefore) && now.Before(k.NotAfter) && (current == nil || k.NotAfter.After(current.NotAfter)) {
			current = &keys[i]
		}
		if k.NotAfter.After(last) {
			last = k.NotAfter
		}
	}
	slices.Sort(kids)
	switch {
	case current == nil:
		p.d.report.problem(p.subject, "oprf keys", "the host serves no OPRF key valid now: clients cannot look its parcels up.",
			"Make a key with 'trackgate keys rotate --dir KEY-DIR' (or keys gen) on the host's side, and restart the host.")
	case last.Sub(now) < p.d.expiring:
		p.d.report.problem(p.subject, "oprf keys", fmt.Sprintf("its last OPRF key, %s, ends on %s, in %s, and no key follows it.", current.KeyID, last.UTC().Format(time.RFC3339), roundDays(last.Sub(now))),
			"Run 'trackgate keys rotate --dir KEY-DIR' on the host's side and restart the host, so that clients hold the next key before this one ends.")
	default:
		p.d.report.ok(p.subject, "oprf keys", "serves %d (%s), current %s until %s", len(keys), strings.Join(kids, ", "), current.KeyID, current.NotAfter.UTC().Format(time.RFC3339))
	}
	if hf := p.d.hosts[p.entry.ID]; hf != nil {
		var want []string
		for _, k := range hf.cfg.ServedKeys(now) {
			want = append(want, k.KeyID)
		}
		slices.Sort(want)
		if !slices.Equal(kids, want) {
			p.d.report.problem(p.subject, "oprf keys", fmt.Sprintf("the host serves %v, but the oprf_keys of %s hold %v: it runs from other key files, or is another host.", kids, hf.path, want),
				fmt.Sprintf("Restart the host with %s, or point couriers[%d].host at the host that runs it.", hf.path, p.i))
		} else {
			p.d.report.ok(p.subject, "oprf keys", "the keys of %s", hf.path)
		}
	}
	return kids
}

// mode asks for bucket 0: a pull host answers it, a push host says it
// publishes its records. For a pull host, bucket_bits is then probed.
func (p *probe) mode(ctx context.Context) {
	a, err := p.signed(ctx, "/tg1/buckets/0", maxProbeAnswer)
	if err != nil || !a.verified {
		p.d.report.problem(p.subject, "mode", "the host did not answer a signed GET /tg1/buckets/0 in its name.", "See the host's log.")
		return
	}
	var hostMode string
	switch {
	case a.status == http.StatusOK:
		hostMode = api.ModePull
	case a.status == http.StatusNotFound && a.problemType == courierhost.ProblemNotPullMode:
		hostMode = api.ModePush
	default:
		p.d.report.problem(p.subject, "mode", fmt.Sprintf("GET /tg1/buckets/0 answered HTTP %d, neither a pull host's bucket nor a push host's refusal.", a.status), "See the host's log.")
		return
	}
	if hostMode != p.entry.Mode {
		p.d.report.problem(p.subject, "mode", fmt.Sprintf("the host is in %s mode; couriers[%d].mode is %s.", hostMode, p.i, p.entry.Mode),
			fmt.Sprintf("Set couriers[%d].mode: %s in %s, or mode: %s in the host's file (and restart it): they must agree.", p.i, hostMode, p.d.gwFile, p.entry.Mode))
		return
	}
	p.d.report.ok(p.subject, "mode", "%s, as registered", hostMode)
	if hostMode == api.ModePull {
		p.bucketBits(ctx)
	}
}

// bucketBits finds a pull host's bucket_bits from the buckets it accepts:
// bucket 2^k − 1 exists only with at least k bits.
func (p *probe) bucketBits(ctx context.Context) {
	accepts := func(k int) (bool, error) {
		a, err := p.signed(ctx, "/tg1/buckets/"+crypto.FormatBucket(uint32(1)<<k-1), maxProbeAnswer)
		if err != nil {
			return false, err
		}
		return a.verified && a.status == http.StatusOK, nil
	}
	want := p.d.gw.BucketBits
	ok, err := accepts(want)
	if err == nil && ok && want < crypto.MaxBucketBits {
		more, err2 := accepts(want + 1)
		ok, err = !more, err2
	}
	if err != nil {
		p.d.report.problem(p.subject, "bucket_bits", fmt.Sprintf("the host did not answer a bucket: %v.", err), "See the host's log.")
		return
	}
	if ok {
		p.d.report.ok(p.subject, "bucket_bits", "the host's buckets are those of bucket_bits %d", want)
		return
	}
	// The most bits whose last bucket the host accepts.
	lo, hi := 0, crypto.MaxBucketBits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if yes, err := accepts(mid); err == nil && yes {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	p.d.report.problem(p.subject, "bucket_bits", fmt.Sprintf("the host uses bucket_bits %d; %s says %d.", lo, p.d.gwFile, want),
		fmt.Sprintf("Set bucket_bits: %d in the host's file (the deployment's), and restart it.", want))
}

// signed sends a signed GET as the gateway does and reads the answer.
func (p *probe) signed(ctx context.Context, path string, limit int64) (*hostAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if err := p.signer.Sign(req, nil); err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, unwrapURLError(err)
	}
	a := &hostAnswer{status: resp.StatusCode, header: resp.Header, body: body}
	a.verified = signing.VerifyAnswer(p.key, p.entry.ID, req.Header.Get(crypto.HeaderNonce), resp, body) == nil
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == problem.ContentType {
		var pd problem.Details
		if json.Unmarshal(body, &pd) == nil {
			a.problemType, a.detail = pd.Type, pd.Detail
		}
	}
	return a, nil
}

// unwrapURLError drops net/http's "Get URL:" wrapping.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// roundDays says a span in days, or hours under two days.
func roundDays(d time.Duration) string {
	if d < 48*time.Hour {
		return d.Round(time.Hour).String()
	}
	return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
}
